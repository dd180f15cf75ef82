package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "personal-data-to-third-party",
			Title:       "Personal data disclosed to a third party",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Category:    "privacy",
			Scope:       ScopeFlow,
			CWE:         []int{359, 201},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"privacy-controls", "pseudonymization"},
			Trigger: "A flow hands personal data to a third-party service or another external entity that is not a " +
				"user: data sent on a flow to it, or data returned on a flow it calls.",
			Why: "Once personal data leaves the system, its protection depends on the third party: it may keep it " +
				"longer, use it for its own purposes, transfer it abroad or lose it in its own breach. The controller " +
				"stays accountable for all of it.",
			Mitigation: "Send only the fields the third party needs, pseudonymise or tokenise identifiers where " +
				"possible, sign a data processing agreement, check where the data is stored and processed, and list " +
				"the recipient in the records of processing.",
			References: []string{
				"GDPR Art. 28: processors; Art. 44 to 49: transfers to third countries",
				"GDPR Art. 5(1)(c): data minimisation; Art. 32(1)(a): pseudonymisation",
				"https://owasp.org/www-project-top-10-privacy-risks/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				var party *model.Component
				var leaving []string
				switch {
				case thirdParty(to) && !thirdParty(from):
					party, leaving = to, e.personalAmong(f.DataSent)
				case thirdParty(from) && !thirdParty(to):
					party, leaving = from, e.personalAmong(f.DataReceived)
				default:
					continue
				}
				if len(leaving) == 0 {
					continue
				}
				h := Hit{Targets: []string{f.ID}, Data: leaving,
					Detail: fmt.Sprintf("%s hands %s to %s, a third party outside the system's control.",
						e.Name(f.ID), e.nameList(leaving), e.Name(party.ID))}
				if len(e.classifiedAmong(3, leaving)) > 0 {
					h.Impact = 4
				}
				emit(h)
			}
		},
	})
}

// thirdParty reports whether a component is an external entity other than a
// user, i.e. an organisation or service that receives data for its own processing.
func thirdParty(c *model.Component) bool {
	return c != nil && Kind(c) == model.KindExternalEntity && c.Type != "user"
}
