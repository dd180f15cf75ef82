package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("llm-misinformation", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !llmFront(e, c) || !e.ReachedByInput(c) || e.Has(c.ID, "answer-grounding") {
				continue
			}
			answers := false
			for _, f := range e.Incoming(c.ID) {
				answers = answers || len(f.DataReceived) > 0
			}
			if answers {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s returns model answers to its callers: confident but "+
					"false answers (invented policies, wrong figures, packages that do not exist) are taken as the system's word.", e.Name(c.ID))})
			}
		}
	})
}
