package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("mobile-reverse-engineering", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !mobile(c) || !c.CustomCode || e.Has(c.ID, "app-hardening") {
				continue
			}
			keys := false
			for _, f := range e.Outgoing(c.ID) {
				keys = keys || f.Authentication == "api-key"
			}
			h := threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s ships its code to every phone: decompiled, it shows the API, "+
				"its checks and any embedded keys, and a repackaged copy can be published with the checks removed.", e.Name(c.ID))}
			if keys {
				h.Impact = 3
				h.Detail += " It calls its back end with an API key, which is in the package."
			}
			emit(h)
		}
	})
}
