package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("cross-site-scripting", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitWebApp) || managedIdP(e, c) {
				continue
			}
			impact := 3
			if r := e.Rate(c.ID); r.C >= 4 || r.I >= 4 {
				impact = 4
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Web application '%s' renders content for browsers: data written into its "+
					"pages without context-aware encoding would run as script in its users' sessions.", e.Name(c.ID)),
				Impact: impact,
			})
		}
	})
}
