package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "secrets-in-ci-cd",
			Title:       "Secrets exposed in the CI/CD pipeline",
			STRIDE:      []model.STRIDE{model.InformationDisclosure, model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{522, 532, 798},
			ATTACK:      []string{"T1552", "T1552.001", "T1078"},
			Likelihood:  3,
			Impact:      4,
			Mitigations: []string{"secrets-vault", "secret-scanning"},
			Trigger: "A build pipeline (type build-pipeline, or a process whose technology names a CI/CD system " +
				"such as Jenkins, GitHub Actions or GitLab CI) is in scope. It is reported mitigated when a secrets " +
				"vault or secret scanning is in place on it.",
			Why: "Pipelines hold the most powerful credentials of a system: cloud deploy keys, registry tokens, " +
				"signing keys, database passwords. Secrets kept as plain pipeline variables leak through build logs, " +
				"pull requests from forks, compromised build plugins or actions, and cached workspaces, and then give " +
				"direct access to production.",
			Mitigation: "Keep secrets in a vault and fetch them at run time with short-lived, narrowly scoped " +
				"credentials (OIDC workload identity instead of static keys); mask them in logs; never expose them " +
				"to builds of untrusted branches or forks; scan repositories and logs for secrets; rotate them.",
			References: []string{
				"https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-06-Insufficient-Credential-Hygiene",
				"https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
				"NIST SP 800-204D, Software Supply Chain Security in DevSecOps CI/CD Pipelines",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !buildPipeline(c) {
					continue
				}
				var reaches, sensitive []string
				for _, f := range e.Outgoing(c.ID) {
					to := e.Target(f)
					if to == nil || to.ID == c.ID {
						continue
					}
					reaches = append(reaches, to.ID)
					if e.Sensitive(to.ID) {
						sensitive = append(sensitive, to.ID)
					}
				}
				h := Hit{Targets: []string{c.ID},
					Detail: fmt.Sprintf("%s needs credentials to build and publish software; kept as pipeline "+
						"variables they can leak through logs, plugins or untrusted builds.", e.Name(c.ID))}
				if len(reaches) > 0 {
					h.Detail = fmt.Sprintf("%s holds the credentials it uses to reach %s; kept as pipeline variables "+
						"they can leak through logs, plugins or untrusted builds.", e.Name(c.ID), e.nameList(reaches))
				}
				if len(sensitive) > 0 {
					h.Impact = 5
					h.Data = e.DataAtStake(sensitive...)
				}
				emit(h)
			}
		},
	})
}
