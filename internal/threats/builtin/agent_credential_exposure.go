package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("agent-credential-exposure", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !agent(e, c) || !e.ReachedByInput(c) || e.Has(c.ID, "secrets-vault") {
				continue
			}
			var with []string
			for _, f := range e.Outgoing(c.ID) {
				switch f.Authentication {
				case "api-key", "password", "token":
					with = append(with, f.To)
				}
			}
			if with = threats.Unique(with); len(with) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s holds static credentials for %s in its configuration "+
					"or environment: an injected instruction or a code tool can read them out.", e.Name(c.ID), e.NameList(with))})
			}
		}
	})
}
