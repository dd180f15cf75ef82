package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("ci-runner-abuse", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitBuildPipeline) || e.Has(c.ID, "ephemeral-runners") {
				continue
			}
			fromRepo := false
			for _, f := range e.Outgoing(c.ID) {
				fromRepo = fromRepo || e.Is(e.Target(f), threats.TraitSourceRepo)
			}
			for _, f := range e.Incoming(c.ID) {
				fromRepo = fromRepo || e.Is(e.Source(f), threats.TraitSourceRepo)
			}
			var deploys []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && !f.Readonly && !e.IsAny(t, threats.TraitDevRelevant) {
					deploys = append(deploys, t.ID)
				}
			}
			if fromRepo && len(deploys) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s builds code from the repository and deploys to %s: a "+
					"pull request or poisoned build script runs on the same runners that hold the deployment credentials.",
					e.Name(c.ID), e.NameList(threats.Unique(deploys)))})
			}
		}
	})
}
