package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-build-infrastructure",
			Title:       "Build infrastructure missing from the model",
			STRIDE:      []model.STRIDE{model.Tampering},
			Scope:       ScopeModel,
			CWE:         []int{1127},
			ATTACK:      []string{"T1195.002"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"signed-artifacts", "code-review"},
			Threagile:   []string{"missing-build-infrastructure"},
			Trigger: "The model has in-scope components with custom code but lacks a source code repository, a build " +
				"pipeline or a developer client (a devops-client, or a person's device with a devops flow to the " +
				"development components). The threat points at the most sensitive custom-code component.",
			Why: "Custom code is written, built and shipped by infrastructure that an attacker can use to change it. " +
				"When that infrastructure is not modelled, none of its threats (backdooring, leaked secrets, " +
				"unchecked deployment) are found.",
			Mitigation: "Add the source repository, the build pipeline, the artifact registry and the developers' " +
				"clients with their flows to the model.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/CI_CD_Security_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			var custom []string
			var repo, pipeline, client bool
			for i := range e.M.Components {
				c := &e.M.Components[i]
				tr := tgTraits(c)
				repo = repo || tr&trSourceRepo != 0
				pipeline = pipeline || tr&trBuildPipeline != 0
				if tr&trDevOpsClient != 0 {
					client = true
				} else if c.HumanUse {
					for _, f := range e.Outgoing(c.ID) {
						if to := e.Target(f); to != nil && f.Usage == "devops" && tgAny(to, trDevRelevant) {
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
			at := e.tgMostSensitive(custom)
			impact := 2
			if e.tgRate(at).tgSensitive() {
				impact = 3
			}
			names := make([]string, len(custom))
			for i, id := range custom {
				names[i] = "'" + e.Name(id) + "'"
			}
			emit(Hit{
				Targets: []string{at},
				Detail: fmt.Sprintf("Components with custom code (%s) are modelled, but the model lacks %s, so how that "+
					"code is written, built and shipped is not analysed.", strings.Join(names, ", "), tgJoinAnd(missing)),
				Impact: impact,
			})
		},
	})
}

// tgJoinAnd joins phrases as "a, b and c".
func tgJoinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
