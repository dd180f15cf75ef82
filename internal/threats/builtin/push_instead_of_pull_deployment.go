package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("push-instead-of-pull-deployment", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if !e.Is(from, threats.TraitBuildPipeline) || f.Readonly || f.Usage != "devops" || to.OutOfScope || e.Is(to, threats.TraitDevRelevant) {
				continue
			}
			r := e.Rate(to.ID)
			impact := 2
			if r.Sensitive() {
				impact = 3
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Data:    e.DataAtStake(to.ID, f.ID),
				Impact:  impact,
				Detail: fmt.Sprintf("Build pipeline %s pushes deployments to %s over %s, so %s must accept deployments and %s holds credentials for it.",
					e.Name(from.ID), e.Name(to.ID), f.Protocol, e.Name(to.ID), e.Name(from.ID)),
			})
		}
	})
}
