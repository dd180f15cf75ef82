package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "supply-chain-dependency-risk",
			Title:       "Vulnerable or malicious third-party dependencies",
			STRIDE:      []model.STRIDE{model.Tampering, model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{1357, 1395, 1104},
			CAPEC:       []int{538},
			ATTACK:      []string{"T1195.001"},
			Likelihood:  3,
			Impact:      4,
			Mitigations: []string{"dependency-scanning"},
			Trigger: "A build pipeline, or a component built from the team's own code (custom_code) that no build " +
				"pipeline with dependency scanning in place delivers to.",
			Why: "Most of a custom application's code is third-party libraries pulled from public registries. A " +
				"known-vulnerable version, an abandoned package or a typo-squatted or hijacked one runs with the " +
				"application's privileges and reaches its data; in a build pipeline it reaches every artifact built.",
			Mitigation: "Keep a software bill of materials, pin dependency versions with lock files and hashes, scan " +
				"them for known vulnerabilities and malicious packages on every build, and update promptly. " +
				"Declare dependency-scanning on the component or on the pipeline that builds it.",
			References: []string{
				"https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/",
				"https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-03-Dependency-Chain-Abuse",
				"NIST SP 800-218, Secure Software Development Framework (PW.4, RV.1)",
				"https://slsa.dev/spec/v1.0/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) == model.KindExternalEntity {
					continue
				}
				if buildPipeline(c) {
					emit(Hit{Targets: []string{c.ID},
						Detail: fmt.Sprintf("%s pulls build tools, plugins and dependencies from public sources into "+
							"every artifact it builds.", e.Name(c.ID))})
					continue
				}
				if !c.CustomCode {
					continue
				}
				pipelines := e.pipelinesInto(c)
				scanned := false
				for _, p := range pipelines {
					scanned = scanned || e.Has(p.ID, "dependency-scanning")
				}
				if scanned {
					continue
				}
				detail := fmt.Sprintf("%s is built from custom code and its third-party dependencies; a "+
					"vulnerable or malicious package among them would run with its privileges.", e.Name(c.ID))
				if len(pipelines) > 0 {
					ids := make([]string, len(pipelines))
					for i, p := range pipelines {
						ids[i] = p.ID
					}
					detail = fmt.Sprintf("%s is built from custom code and its third-party dependencies, and %s "+
						"delivers it without scanning them.", e.Name(c.ID), e.nameList(ids))
				}
				emit(Hit{Targets: []string{c.ID}, Detail: detail})
			}
		},
	})
}
