package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "wrong-trust-boundary-content",
			Title:      "Wrong trust boundary content",
			STRIDE:     []model.STRIDE{model.ElevationOfPrivilege},
			Scope:      ScopeComponent,
			CWE:        []int{1008},
			Likelihood: 1,
			Impact:     2,
			Threagile:  []string{"wrong-trust-boundary-content"},
			Trigger: "A component placed directly in a container trust boundary (a namespace or network policy isolating " +
				"containers) is an external entity or declares a hosting other than container or serverless.",
			Why: "Container isolation only applies to containers. A host, VM or external system drawn inside such a boundary " +
				"looks isolated in the model while it is not, so isolation-related threats go unseen.",
			Mitigation: "Fix the model: move the component to a boundary of the right type, or correct its hosting.",
			References: []string{"https://cheatsheetseries.owasp.org/cheatsheets/Threat_Modeling_Cheat_Sheet.html"},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				b := e.Ix.Boundaries[e.Ix.Parent[c.ID]]
				if b == nil || b.Type != "container" {
					continue
				}
				var what string
				switch {
				case Kind(c) == model.KindExternalEntity:
					what = "an external entity"
				case c.Hosting != "" && c.Hosting != "container" && c.Hosting != "serverless":
					what = "hosted on " + string(c.Hosting)
				default:
					continue
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail:  fmt.Sprintf("%s is %s but sits in container boundary %s.", e.Name(c.ID), what, e.Name(b.ID)),
				})
			}
		},
	})
}
