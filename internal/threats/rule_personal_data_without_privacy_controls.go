package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "personal-data-without-privacy-controls",
			Title:       "Personal data stored without privacy controls",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Category:    "privacy",
			Scope:       ScopeComponent,
			CWE:         []int{359, 212},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"privacy-controls", "pseudonymization"},
			Trigger: "A component in scope stores personal data. It is reported mitigated when privacy controls " +
				"(data minimisation, purpose limitation, retention limits, data-subject request handling) or " +
				"pseudonymisation are in place.",
			Why: "Personal data kept without a purpose, beyond its retention period or in more detail than needed " +
				"multiplies the harm of every breach and breaks data-protection law on its own: data subjects cannot " +
				"exercise their rights and regulators can fine the organisation even without a breach. The impact " +
				"rises with the number of records.",
			Mitigation: "Record the purpose and legal basis of each personal data asset, store only the fields that " +
				"purpose needs, delete or anonymise records when the retention period ends, support access, " +
				"rectification and erasure requests, and pseudonymise where identities are not needed.",
			References: []string{
				"GDPR Art. 5(1)(b), (c) and (e): purpose limitation, data minimisation, storage limitation",
				"GDPR Art. 15 to 17 and Art. 25: data-subject rights, data protection by design and by default",
				"https://www.nist.gov/privacy-framework",
				"https://linddun.org/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) == model.KindExternalEntity {
					continue
				}
				personal := e.personalAmong(c.Stores)
				if len(personal) == 0 {
					continue
				}
				h := Hit{Targets: []string{c.ID}, Data: personal,
					Detail: fmt.Sprintf("%s stores %s, personal data that needs minimisation, retention limits "+
						"and data-subject request handling.", e.Name(c.ID), e.nameList(personal))}
				for _, id := range personal {
					if q := e.Ix.Data[id].Quantity; q == "many" || q == "very-many" {
						h.Impact = 4
					}
				}
				emit(h)
			}
		},
	})
}
