package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("credential-stuffing", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !e.TakesInput(c) || !passwordLogin(e, c) || hasMFA(e, c) ||
				e.Has(c.ID, "login-protection") {
				continue
			}
			if len(clientFlows(e, c)) == 0 && !c.InternetFacing {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("People sign in to %s with passwords from their browsers or "+
				"apps, with no second factor and no login protection: leaked password lists are tried against it at scale.", e.Name(c.ID))})
		}
	})
}
