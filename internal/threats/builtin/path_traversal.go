package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("path-traversal", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from.OutOfScope || !e.Is(to, threats.TraitFileSystem) {
				continue
			}
			likelihood := 4
			if f.Usage == "devops" {
				likelihood = 3
			}
			impact := 3
			if r := e.Rate(to.ID); r.C >= 4 || r.I >= 4 {
				impact = 4
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Detail: fmt.Sprintf("Component '%s' accesses files on '%s' over %s: a path built from caller "+
					"input could reach files outside the intended folder.", e.Name(from.ID), e.Name(to.ID), e.FlowName(f)),
				Data:       e.DataAtStake(to.ID, f.ID),
				Likelihood: likelihood,
				Impact:     impact,
			})
		}
	})
}
