package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("verbose-error-messages", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || !c.CustomCode || !e.TakesInput(c) || e.Has(c.ID, "generic-errors") {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s answers outside callers from its own code: unhandled "+
				"errors that return stack traces, SQL, paths and versions map the system for the attacker.", e.Name(c.ID))})
		}
	})
}
