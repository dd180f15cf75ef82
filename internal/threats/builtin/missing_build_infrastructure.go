package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-build-infrastructure", func(e *threats.Env, emit func(threats.Hit)) {
		var custom []string
		var repo, pipeline, client bool
		for i := range e.M.Components {
			c := &e.M.Components[i]
			tr := e.Traits(c)
			repo = repo || tr&threats.TraitSourceRepo != 0
			pipeline = pipeline || tr&threats.TraitBuildPipeline != 0
			if tr&threats.TraitDevOpsClient != 0 {
				client = true
			} else if c.HumanUse {
				for _, f := range e.Outgoing(c.ID) {
					if to := e.Target(f); to != nil && f.Usage == "devops" && e.IsAny(to, threats.TraitDevRelevant) {
						client = true
					}
				}
			}
			if c.CustomCode && !c.OutOfScope {
				custom = append(custom, c.ID)
			}
		}
		if len(custom) == 0 || (repo && pipeline && client) {
			return
		}
		var missing []string
		if !repo {
			missing = append(missing, "a source code repository")
		}
		if !pipeline {
			missing = append(missing, "a build pipeline")
		}
		if !client {
			missing = append(missing, "a developer client")
		}
		at := e.MostSensitive(custom)
		impact := 2
		if e.Rate(at).Sensitive() {
			impact = 3
		}
		names := make([]string, len(custom))
		for i, id := range custom {
			names[i] = "'" + e.Name(id) + "'"
		}
		emit(threats.Hit{
			Targets: []string{at},
			Detail: fmt.Sprintf("Components with custom code (%s) are modelled, but the model lacks %s, so how that "+
				"code is written, built and shipped is not analysed.", shortList(names), threats.JoinAnd(missing)),
			Impact: impact,
		})
	})
}
