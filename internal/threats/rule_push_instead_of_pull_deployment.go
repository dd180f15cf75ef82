package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "push-instead-of-pull-deployment",
			Title:       "Push instead of pull deployment",
			STRIDE:      []model.STRIDE{model.Tampering},
			Scope:       ScopeFlow,
			CWE:         []int{1127},
			ATTACK:      []string{"T1072"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"pull-deployment"},
			Threagile:   []string{"push-instead-of-pull-deployment"},
			Trigger: "A build pipeline has a writable devops flow into an in-scope runtime component that is not itself " +
				"part of the development chain (repository, pipeline, registry, developer client).",
			Why: "Push deployment means the production target exposes an interface that accepts deployments and the " +
				"pipeline holds credentials that can change production. Whoever compromises the pipeline or steals " +
				"those credentials can push arbitrary code.",
			Mitigation: "Prefer pull-based deployment (GitOps): the runtime fetches signed releases and verifies them, " +
				"and no deployment interface or credential for production lives in the build system.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/CI_CD_Security_Cheat_Sheet.html",
				"https://opengitops.dev/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if !rbIsBuildPipeline(from) || f.Readonly || f.Usage != "devops" || to.OutOfScope || rbIsDevRelevant(to) {
					continue
				}
				r := e.rbHeld(to)
				impact := 2
				if r.sensitive() || r.A >= 4 {
					impact = 3
				}
				emit(Hit{
					Targets: []string{f.ID},
					Data:    e.DataAtStake(to.ID, f.ID),
					Impact:  impact,
					Detail: fmt.Sprintf("Build pipeline %s pushes deployments to %s over %s, so %s must accept deployments and %s holds credentials for it.",
						e.Name(from.ID), e.Name(to.ID), f.Protocol, e.Name(to.ID), e.Name(from.ID)),
				})
			}
		},
	})
}
