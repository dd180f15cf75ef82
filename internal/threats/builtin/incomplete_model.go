package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// noDataDetail is what incomplete-model says of a model with no data assets:
// one warning for the model, where the rules about unused components and
// empty flows would otherwise raise one for every element.
const noDataDetail = "The model declares no data assets: without them no threat can say what is at stake, and every component and flow looks unused."

func init() {
	register("incomplete-model", func(e *threats.Env, emit func(threats.Hit)) {
		// A model without data assets is reported once, on its first own
		// component (not a person or a third party), else its first one.
		var noDataOn string
		if len(e.M.Data) == 0 {
			for _, c := range e.Components() {
				if threats.Kind(c) != model.KindExternalEntity {
					noDataOn = c.ID
					break
				}
			}
			if cs := e.Components(); noDataOn == "" && len(cs) > 0 {
				noDataOn = cs[0].ID
			}
		}
		for _, c := range e.Components() {
			tech := strings.ToLower(strings.TrimSpace(c.Technology))
			var detail string
			switch {
			case tech == "unknown" || tech == "unknown-technology" || tech == "tbd" || tech == "?":
				detail = fmt.Sprintf("Component '%s' has technology '%s': threats specific to what it really is cannot be found.", e.Name(c.ID), c.Technology)
			case tech == "" && (c.Type == "process" || c.Type == "datastore"):
				detail = fmt.Sprintf("Component '%s' is only a generic %s with no technology: threats specific to what it really is cannot be found.", e.Name(c.ID), c.Type)
			}
			if c.ID == noDataOn {
				detail = strings.TrimSpace(noDataDetail + " " + detail)
			}
			if detail != "" {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: detail})
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
