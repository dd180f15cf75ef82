package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("agent-code-execution", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.IsAny(c, threats.TraitAITool|threats.TraitAgent) ||
				!threats.TechIs(c, "code-interpreter", "code-execution", "python-repl", "repl", "jupyter", "sandbox", "shell", "terminal", "bash") ||
				!e.ReachedByInput(c) || e.Has(c.ID, "runtime-isolation") {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s runs code a language model writes, and outside input "+
				"shapes that code: without a sandbox it runs with the host's rights and network.", e.Name(c.ID))})
		}
	})
}
