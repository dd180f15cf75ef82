package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "incomplete-model",
			Title:      "Incomplete model: unknown technology or protocol",
			STRIDE:     []model.STRIDE{model.InformationDisclosure},
			Scope:      ScopeModel,
			CWE:        []int{1008},
			Likelihood: 2,
			Impact:     1,
			Threagile:  []string{"incomplete-model"},
			Trigger: "An in-scope component whose technology is given as unknown, or that has only a generic type " +
				"(process, datastore) and no technology; or a flow from an in-scope component whose protocol is " +
				"'other'.",
			Why: "Rules decide from what a component is and how it talks. Where the model does not say, the threats " +
				"that apply to the real technology or protocol are silently missed.",
			Mitigation: "Find out and record the concrete component type and technology, and the protocol of each flow.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Threat_Modeling_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				tech := strings.ToLower(strings.TrimSpace(c.Technology))
				switch {
				case tech == "unknown" || tech == "unknown-technology" || tech == "tbd" || tech == "?":
					emit(Hit{
						Targets: []string{c.ID},
						Detail:  fmt.Sprintf("Component '%s' has technology '%s': threats specific to what it really is cannot be found.", e.Name(c.ID), c.Technology),
					})
				case tech == "" && (c.Type == "process" || c.Type == "datastore"):
					emit(Hit{
						Targets: []string{c.ID},
						Detail:  fmt.Sprintf("Component '%s' is only a generic %s with no technology: threats specific to what it really is cannot be found.", e.Name(c.ID), c.Type),
					})
				}
			}
			for _, f := range e.Flows() {
				if from := e.Source(f); from.OutOfScope || f.Protocol != "other" {
					continue
				}
				emit(Hit{
					Targets: []string{f.ID},
					Detail:  fmt.Sprintf("Flow %s from '%s' to '%s' uses an unspecified protocol: protocol-specific threats cannot be found.", e.tgFlowName(f), e.Name(f.From), e.Name(f.To)),
				})
			}
		},
	})
}
