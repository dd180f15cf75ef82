package builtin

import (
	"cmp"
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-unaware-collection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Has(c.ID, "consent-management") {
				continue
			}
			var collected []string
			people := false
			for _, f := range e.Incoming(c.ID) {
				if fromPerson(e, f) {
					collected = append(collected, e.PersonalAmong(f.DataSent)...)
				}
				people = people || privacyAssumed(e) && threats.Kind(e.Source(f)) == model.KindExternalEntity
			}
			if collected = threats.Unique(collected); len(collected) > 0 || people {
				emit(threats.Hit{Targets: []string{c.ID}, Data: collected, Detail: fmt.Sprintf("%s collects personal data from people "+
					"(%s) with no record of telling them what is kept, why and for how long, or of their choices.", e.Name(c.ID), cmp.Or(e.NameList(collected), "what they send"))})
			}
		}
	})
}
