package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("incomplete-model", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			tech := strings.ToLower(strings.TrimSpace(c.Technology))
			switch {
			case tech == "unknown" || tech == "unknown-technology" || tech == "tbd" || tech == "?":
				emit(threats.Hit{
					Targets: []string{c.ID},
					Detail:  fmt.Sprintf("Component '%s' has technology '%s': threats specific to what it really is cannot be found.", e.Name(c.ID), c.Technology),
				})
			case tech == "" && (c.Type == "process" || c.Type == "datastore"):
				emit(threats.Hit{
					Targets: []string{c.ID},
					Detail:  fmt.Sprintf("Component '%s' is only a generic %s with no technology: threats specific to what it really is cannot be found.", e.Name(c.ID), c.Type),
				})
			}
		}
		for _, f := range e.Flows() {
			if from := e.Source(f); from.OutOfScope || f.Protocol != "other" {
				continue
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Detail:  fmt.Sprintf("Flow %s from '%s' to '%s' uses an unspecified protocol: protocol-specific threats cannot be found.", e.FlowName(f), e.Name(f.From), e.Name(f.To)),
			})
		}
	})
}
