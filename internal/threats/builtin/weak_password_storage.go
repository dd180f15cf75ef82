package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("weak-password-storage", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.CustomCode || !passwordLogin(e, c) || e.Has(c.ID, "password-hashing") {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s checks passwords in its own code: stored unsalted or with "+
				"a fast hash, a database leak becomes every user's password, also for their other accounts.", e.Name(c.ID))})
		}
	})
}
