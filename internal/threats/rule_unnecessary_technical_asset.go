package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "unnecessary-technical-asset",
			Title:      "Unnecessary technical asset",
			STRIDE:     []model.STRIDE{model.ElevationOfPrivilege},
			Scope:      ScopeComponent,
			CWE:        []int{1008},
			Likelihood: 1,
			Impact:     2,
			Threagile:  []string{"unnecessary-technical-asset"},
			Trigger:    "An in-scope component that processes and stores no data asset, or that no flow enters or leaves.",
			Why: "A component that handles nothing or talks to nothing is either dead weight (one more thing to patch and " +
				"attack) or a gap in the model that hides its real threats.",
			Mitigation: "Decommission the component if nothing needs it; otherwise record the data it handles and the flows " +
				"that reach it.",
			References: []string{"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html"},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				noData := len(c.Processes) == 0 && len(c.Stores) == 0
				noFlows := len(e.Incoming(c.ID)) == 0 && len(e.Outgoing(c.ID)) == 0
				if !noData && !noFlows {
					continue
				}
				why := "processes and stores no data asset"
				switch {
				case noData && noFlows:
					why = "processes and stores no data asset and no flow enters or leaves it"
				case noFlows:
					why = "has no flow entering or leaving it"
				}
				emit(Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s %s.", e.Name(c.ID), why)})
			}
		},
	})
}
