package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-personal-data-to-ai", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			t := e.Target(f)
			if t == nil || anyControl(e, f.ID, "pseudonymization") || e.Has(f.From, "pseudonymization") {
				continue
			}
			var personal []string
			switch {
			case languageModel(e, t) && !e.Is(t, threats.TraitAgent) && threats.Managed(t):
				personal = personalData(e, f.DataSent)
			case e.Is(t, threats.TraitTraining):
				personal = personalData(e, f.DataSent)
			case e.Is(e.Source(f), threats.TraitTraining) && reads(f):
				personal = personalData(e, f.DataReceived)
			}
			if len(personal) > 0 {
				emit(threats.Hit{Targets: []string{f.ID}, Data: personal, Detail: fmt.Sprintf("%s puts %s into a model (a provider's "+
					"hosted model or a training run): it is processed for a purpose people were not told of and may be retained or learnt.",
					e.FlowName(f), e.NameList(personal))})
			}
		}
	})
}
