package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("training-data-leakage", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !languageModel(e, c) || e.Is(c, threats.TraitAgent) || !e.ReachedByInput(c) {
				continue
			}
			for _, f := range e.Outgoing(c.ID) {
				reg := e.Target(f)
				if reg == nil || !reads(f) || !e.Is(reg, threats.TraitModelStore) {
					continue
				}
				for _, w := range writers(e, reg) {
					if !e.Is(w, threats.TraitTraining) || e.Has(w.ID, "pseudonymization") {
						continue
					}
					var personal []string
					personal = append(personal, e.PersonalAmong(w.Processes, w.Stores)...)
					for _, g := range e.Outgoing(w.ID) {
						if reads(g) {
							personal = append(personal, e.PersonalAmong(g.DataReceived)...)
						}
					}
					if personal = threats.Unique(personal); len(personal) > 0 {
						emit(threats.Hit{Targets: []string{c.ID, w.ID}, Data: personal, Detail: fmt.Sprintf("%s serves a model that %s trained "+
							"on %s: crafted queries make a model repeat or confirm the records it learnt from.", e.Name(c.ID), e.Name(w.ID), e.NameList(personal))})
					}
				}
			}
		}
	})
}
