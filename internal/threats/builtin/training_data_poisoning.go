package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("training-data-poisoning", func(e *threats.Env, emit func(threats.Hit)) {
		shaped := shapedFromOutside(e)
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitTraining) || threats.Kind(c) != model.KindProcess || e.Has(c.ID, "data-provenance") {
				continue
			}
			var from []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && reads(f) && shaped[t.ID] && !e.Has(t.ID, "data-provenance") {
					from = append(from, t.ID)
				}
			}
			if len(from) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s trains on %s, which holds content people outside the "+
					"system wrote: crafted examples plant a bias or a backdoor trigger in the model.", e.Name(c.ID), e.NameList(from))})
			}
		}
	})
}
