package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("dom-based-xss", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.Is(c, threats.TraitWebApp) || e.IsClient(c) || !c.CustomCode || len(browserFlows(e, c)) == 0 ||
				e.Has(c.ID, "output-encoding") {
				continue
			}
			if threats.TechIs(c, "react", "angular", "angularjs", "vue", "svelte", "next-js", "nextjs", "nuxt", "ember", "spa", "single-page", "javascript", "typescript") {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s is built from script that runs in the browser (%s): "+
					"code that writes URL fragments, messages or API data into the page as HTML runs the attacker's script, "+
					"and the server never sees the payload.", e.Name(c.ID), c.Technology)})
			}
		}
	})
}
