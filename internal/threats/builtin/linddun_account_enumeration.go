package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-account-enumeration", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !e.TakesInput(c) || anyControl(e, c.ID, "login-protection", "account-recovery") {
				continue
			}
			if passwordLogin(e, c) || c.Type == "identity-provider" {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("People sign in to %s from outside: different answers or timings "+
					"for known and unknown accounts at sign-in, sign-up or reset tell anyone whether a person uses the service.", e.Name(c.ID))})
			}
		}
	})
}
