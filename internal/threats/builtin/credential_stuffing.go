package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("credential-stuffing", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Guard(c) || !e.TakesInput(c) || !passwordLogin(e, c) || hasMFA(e, c) ||
				e.Has(c.ID, "login-protection") {
				continue // a guard in front signs nobody in: the sign-in is behind it
			}
			targets := []string{c.ID}
			for _, f := range fromOutside(e, c) {
				if from := e.Source(f); e.Guard(from) {
					targets = append(targets, f.ID) // login protection at the guard in front counts
				}
			}
			if len(clientFlows(e, c)) == 0 && !c.InternetFacing && len(targets) == 1 {
				continue
			}
			emit(threats.Hit{Targets: targets, Detail: fmt.Sprintf("People sign in to %s with passwords from their browsers or "+
				"apps, with no second factor and no login protection: leaked password lists are tried against it at scale.", e.Name(c.ID))})
		}
	})
}
