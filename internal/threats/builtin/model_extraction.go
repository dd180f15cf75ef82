package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("model-extraction", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !languageModel(e, c) || e.Is(c, threats.TraitAgent) || threats.Managed(c) || !e.ReachedByInput(c) ||
				e.Has(c.ID, "rate-limiting") {
				continue
			}
			own := false
			for _, f := range e.Outgoing(c.ID) {
				own = own || reads(f) && e.Is(e.Target(f), threats.TraitModelStore)
			}
			if own {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s serves the organisation's own model to queries from "+
					"outside: enough answers let a competitor train a copy of it.", e.Name(c.ID))})
			}
		}
	})
}
