package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("ai-tool-poisoning", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			c, t := e.Source(f), e.Target(f)
			if c == nil || t == nil || !agent(e, c) || !e.Is(t, threats.TraitAITool) || t.CustomCode && !threats.Managed(t) ||
				e.Has(c.ID, "tool-allowlist") {
				continue
			}
			emit(threats.Hit{Targets: []string{f.ID}, Detail: fmt.Sprintf("%s calls %s, a tool the team does not write: its "+
				"description and answers reach the model, and a changed version can instruct it or take its data.", e.Name(c.ID), e.Name(t.ID))})
		}
	})
}
