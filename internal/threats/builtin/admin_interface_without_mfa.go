package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("admin-interface-without-mfa", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.AdminInterface || threats.Kind(c) == model.KindExternalEntity || c.Authentication.Strong() {
				continue
			}
			how := "no authentication declared"
			if c.Authentication != "" {
				how = "authentication by " + string(c.Authentication)
			}
			h := threats.Hit{Targets: []string{c.ID},
				Detail: fmt.Sprintf("%s exposes an administration interface with %s; without a second factor "+
					"one stolen credential gives administrative control.", e.Name(c.ID), how)}
			if c.InternetFacing {
				h.Likelihood = 4
				h.Detail = fmt.Sprintf("%s exposes an administration interface to the internet with %s; "+
					"without a second factor one stolen or guessed credential gives administrative control.", e.Name(c.ID), how)
			}
			emit(h)
		}
	})
}
