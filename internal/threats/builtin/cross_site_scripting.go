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
			// The impact is the rule's base: script acts in one user's
			// session at a time; risk scoring raises it one step for
			// valuable data, so the check does not weigh the data again.
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Web application '%s' renders content for browsers: data written into its "+
					"pages without context-aware encoding would run as script in its users' sessions.", e.Name(c.ID)),
			})
		}
	})
}
