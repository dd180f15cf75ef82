package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "ldap-injection",
			Title:       "LDAP injection",
			STRIDE:      []model.STRIDE{model.Tampering, model.InformationDisclosure},
			Scope:       ScopeFlow,
			CWE:         []int{90},
			CAPEC:       []int{136},
			ATTACK:      []string{"T1190"},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"input-validation", "parameterized-queries"},
			Threagile:   []string{"ldap-injection"},
			Trigger:     "An in-scope component queries a directory over LDAP or LDAPS.",
			Why: "When search filters or distinguished names are built from caller input without escaping, the caller " +
				"rewrites the query: reads entries and attributes it must not see, bypasses login checks or, with " +
				"write access, changes directory data.",
			Mitigation: "Escape LDAP filter and DN metacharacters with the library's encoder, validate input against " +
				"an allow-list, bind with a least-privileged service account. For third-party products, verify and patch.",
			References: []string{
				"https://owasp.org/www-community/attacks/LDAP_Injection",
				"https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if from.OutOfScope || (f.Protocol != "ldap" && f.Protocol != "ldaps") {
					continue
				}
				likelihood := 3
				if f.Usage == "devops" {
					likelihood = 2
				}
				impact := 3
				if r := e.tgRate(to.ID); r.C >= 4 || r.I >= 4 {
					impact = 4
				}
				emit(Hit{
					Targets: []string{f.ID},
					Detail: fmt.Sprintf("Component '%s' queries directory '%s' over %s (%s): filters built from "+
						"unescaped input would let a caller rewrite the query.", e.Name(from.ID), e.Name(to.ID), e.tgFlowName(f), f.Protocol),
					Data:       e.DataAtStake(to.ID, f.ID),
					Likelihood: likelihood,
					Impact:     impact,
				})
			}
		},
	})
}
