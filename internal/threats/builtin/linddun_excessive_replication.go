package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-excessive-replication", func(e *threats.Env, emit func(threats.Hit)) {
		stores := map[string][]string{}
		for _, c := range e.Components() {
			if threats.Kind(c) == model.KindExternalEntity || anyControl(e, c.ID, "data-retention", "privacy-controls") {
				continue
			}
			for _, id := range c.Stores {
				stores[id] = append(stores[id], c.ID)
			}
		}
		for i := range e.M.Data {
			d := &e.M.Data[i]
			if (d.Personal || privacyAssumed(e)) && len(stores[d.ID]) >= 3 {
				emit(threats.Hit{Targets: []string{d.ID}, Data: []string{d.ID}, Detail: fmt.Sprintf("%s is kept in %d places (%s): each copy "+
					"is another place to breach, to forget at deletion and to keep too long.", e.Name(d.ID), len(stores[d.ID]), e.NameList(stores[d.ID]))})
			}
		}
	})
}
