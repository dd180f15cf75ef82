package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("agent-memory-poisoning", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !agent(e, c) || !e.ReachedByInput(c) || e.Has(c.ID, "llm-guardrails") {
				continue
			}
			wrote := map[string]bool{}
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && threats.Kind(t) == model.KindDataStore && !f.Readonly && len(f.DataSent) > 0 {
					wrote[t.ID] = true
				}
			}
			var memory []string
			for _, f := range e.Outgoing(c.ID) {
				if wrote[f.To] && reads(f) {
					memory = append(memory, f.To)
				}
			}
			if memory = threats.Unique(memory); len(memory) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s writes what it is told into %s and reads it back in "+
					"later sessions: one injected instruction stays in its memory and acts again.", e.Name(c.ID), e.NameList(memory))})
			}
		}
	})
}
