package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("admin-privilege-escalation", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.AdminInterface || threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Has(c.ID, "access-control") {
				continue
			}
			var manages []string
			if e.Is(c, threats.TraitIdentity) {
				manages = append(manages, c.ID)
			}
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && e.Is(t, threats.TraitIdentity) && !f.Readonly {
					manages = append(manages, t.ID)
				}
			}
			if len(manages) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s administers accounts and roles in %s: an administrator "+
					"(or a stolen admin session) grants itself or others any right, and hides it.", e.Name(c.ID), e.NameList(threats.Unique(manages)))})
			}
		}
	})
}
