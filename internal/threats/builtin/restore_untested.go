package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("restore-untested", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindDataStore || !e.Declares(c.ID, "backup") || e.Has(c.ID, "restore-testing") || modelHas(e, "restore-testing") {
				continue
			}
			if r := e.Rate(c.ID); r.A >= 3 || r.I >= 3 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s is backed up, but no restore test is recorded: the "+
					"first restore happens during an incident, and missing files, wrong keys or a recovery that takes days show up then.", e.Name(c.ID))})
			}
		}
	})
}
