package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "unnecessary-communication-link",
			Title:      "Unnecessary communication link",
			STRIDE:     []model.STRIDE{model.ElevationOfPrivilege},
			Scope:      ScopeFlow,
			CWE:        []int{1008},
			Likelihood: 1,
			Impact:     2,
			Threagile:  []string{"unnecessary-communication-link"},
			Trigger:    "A flow touching an in-scope component sends and receives no data asset.",
			Why: "A connection that carries nothing is either not needed (an open port and a credential an attacker can use " +
				"for nothing legitimate) or a gap in the model that hides the threats of the data it really carries.",
			Mitigation: "Remove the connection if nothing needs it; otherwise list the data it sends and receives so the " +
				"model shows what is at stake.",
			References: []string{"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html"},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				if len(f.DataSent) > 0 || len(f.DataReceived) > 0 {
					continue
				}
				emit(Hit{
					Targets: []string{f.ID},
					Detail: fmt.Sprintf("Flow %s from %s to %s carries no data asset in either direction.",
						e.rbFlowName(f), e.Name(f.From), e.Name(f.To)),
				})
			}
		},
	})
}
