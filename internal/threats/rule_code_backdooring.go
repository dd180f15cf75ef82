package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "code-backdooring",
			Title:       "Code backdooring through exposed development infrastructure",
			STRIDE:      []model.STRIDE{model.Tampering},
			Scope:       ScopeComponent,
			CWE:         []int{912, 506},
			CAPEC:       []int{444, 445},
			ATTACK:      []string{"T1195.001", "T1195.002"},
			Likelihood:  2,
			Impact:      5,
			Mitigations: []string{"code-review", "signed-artifacts", "mfa", "ip-allowlist", "dependency-scanning"},
			Threagile:   []string{"code-backdooring"},
			Trigger: "An in-scope development component (source repository, build pipeline, artifact registry, code " +
				"analysis, developer client) is itself internet-facing, or is called by an internet-facing component " +
				"over a flow that is not tunnelled through a VPN.",
			Why: "Whoever takes over the code, the build or its dependencies ships their code to production with the " +
				"team's own signature: a backdoor in every deployment, invisible to runtime defences.",
			Mitigation: "Keep development infrastructure off the internet (VPN or allow-listed access only), require MFA " +
				"and reviewed, signed commits, sign build outputs and verify signatures at deployment, and pin and " +
				"scan dependencies.",
			References: []string{
				"https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Vulnerable_Dependency_Management_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !tgIs(c, trDevRelevant) {
					continue
				}
				var why string
				if c.InternetFacing {
					why = "is reachable from the internet"
				} else {
					for _, f := range e.Incoming(c.ID) {
						if from := e.Source(f); from != nil && from.InternetFacing && !f.VPN {
							why = fmt.Sprintf("is reached from internet-facing '%s' over %s without a VPN", e.Name(from.ID), e.tgFlowName(f))
							break
						}
					}
				}
				if why == "" {
					continue
				}
				impact := 4
				if tgIs(c, trCodeInspection) {
					impact = 2
				} else if r := e.tgRate(c.ID); r.C >= 3 || r.I >= 3 {
					impact = 5
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Development component '%s' %s: an attacker who takes it over can slip "+
						"backdoored code or dependencies into what gets deployed.", e.Name(c.ID), why),
					Impact: impact,
				})
			}
		},
	})
}
