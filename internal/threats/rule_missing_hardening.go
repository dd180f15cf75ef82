package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

// Attacker attractiveness (percent of the model's range) from which a
// component must be explicitly hardened; lower for data stores and
// high-value targets.
const (
	tgHardeningLimit        = 55
	tgHardeningLimitReduced = 40
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-hardening",
			Title:       "Missing hardening of an attractive target",
			STRIDE:      []model.STRIDE{model.Tampering, model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{16, 1188},
			ATTACK:      []string{"T1190", "T1210"},
			Likelihood:  3,
			Impact:      2,
			Mitigations: []string{"hardening", "container-hardening", "cloud-hardening"},
			Threagile:   []string{"missing-hardening"},
			Trigger: "An in-scope component whose relative attacker attractiveness is 55% or more of the model's range, " +
				"or 40% for data stores and high-value targets (application servers, identity providers, ERP). " +
				"Attractiveness adds up the classification, CIA ratings and quantity of the data the component holds " +
				"and moves, weighs identity systems, pipelines, vaults and data stores higher and pure forwarders " +
				"lower, and rises towards the most attractive component it calls.",
			Why: "Attackers go for the components that give them most. Default configurations, unneeded services, " +
				"sample content and missing patches on those components are the cheapest way in.",
			Mitigation: "Harden the component along its vendor's guide and a baseline (CIS benchmarks, DevSec " +
				"hardening framework, database security assessment tools): minimal installation, secure " +
				"configuration, patched, verified continuously.",
			References: []string{
				"https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
				"https://www.cisecurity.org/cis-benchmarks",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			raa := e.tgRAA()
			for _, c := range e.Components() {
				v := raa[c.ID]
				if v < tgHardeningLimit && (v < tgHardeningLimitReduced || (Kind(c) != model.KindDataStore && !tgIs(c, trHighValue))) {
					continue
				}
				impact := 2
				if r := e.tgRate(c.ID); r.C >= 4 || r.I >= 4 {
					impact = 3
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Component '%s' is among the most attractive targets of the model (attacker "+
						"attractiveness %.0f%%): it needs explicit hardening.", e.Name(c.ID), v),
					Impact: impact,
				})
			}
		},
	})
}
