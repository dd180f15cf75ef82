package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("llm-system-prompt-leakage", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !llmFront(e, c) || !e.ReachedByInput(c) || e.Has(c.ID, "llm-guardrails") {
				continue
			}
			var prompts []string
			for _, id := range c.Processes {
				if d := e.Ix.Data[id]; d != nil && d.Classification.Level() >= 1 && (nameHas(d.ID, d.Name, "prompt", "prompts", "instructions")) {
					prompts = append(prompts, id)
				}
			}
			if len(prompts) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: prompts, Detail: fmt.Sprintf("%s sends %s to a language model that outside "+
					"callers talk to: asked the right way, the model repeats it, with whatever rules, names or secrets it holds.",
					e.Name(c.ID), e.NameList(prompts))})
			}
		}
	})
}
