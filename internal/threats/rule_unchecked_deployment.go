package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "unchecked-deployment",
			Title:       "Unchecked deployment",
			STRIDE:      []model.STRIDE{model.Tampering},
			Scope:       ScopeComponent,
			CWE:         []int{1127, 1104},
			CAPEC:       []int{538},
			ATTACK:      []string{"T1195.001", "T1195.002"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"sast", "dependency-scanning", "image-scanning"},
			Threagile:   []string{"unchecked-deployment"},
			Trigger: "An in-scope component of the development and delivery chain: build pipeline, source repository, " +
				"artifact registry, code inspection platform or developer workstation.",
			Why: "What passes through the delivery chain unchecked reaches production: vulnerable or malicious dependencies, " +
				"flaws in the team's own code and outdated container layers ship without anyone noticing.",
			Mitigation: "Gate the pipeline on security checks: static analysis of the code, dependency (SCA) and container " +
				"image scanning, and dynamic tests against a test deployment; fail the build on findings above a threshold.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Vulnerable_Dependency_Management_Cheat_Sheet.html",
				"https://owasp.org/www-project-devsecops-guideline/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !rbIsDevRelevant(c) {
					continue
				}
				impact := 2
				var targets []string
				for _, f := range e.Outgoing(c.ID) {
					if f.Usage != "devops" {
						continue
					}
					if to := e.Target(f); to != nil && e.rbRate(f.DataSent).I >= 3 {
						targets = append(targets, e.Name(to.ID))
						if r := e.rbHeld(to); r.sensitive() || r.A >= 4 {
							impact = 3
						}
					}
				}
				detail := fmt.Sprintf("%s is part of the delivery chain; nothing in the model shows its output being scanned for vulnerabilities before it is used.", e.Name(c.ID))
				if len(targets) > 0 {
					detail += " It delivers code or configuration to " + strings.Join(targets, ", ") + "."
				}
				emit(Hit{Targets: []string{c.ID}, Impact: impact, Detail: detail})
			}
		},
	})
}
