package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("account-recovery-abuse", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !e.TakesInput(c) || !passwordLogin(e, c) || e.Has(c.ID, "account-recovery") {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("People reset forgotten passwords at %s: guessable or "+
				"long-lived reset tokens, security questions or a reset that skips the second factor hand the account to someone else.", e.Name(c.ID))})
		}
	})
}
