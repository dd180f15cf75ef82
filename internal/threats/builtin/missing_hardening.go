package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// Attacker attractiveness (percent of the model's range) from which a
// component must be explicitly hardened; lower for data stores and
// high-value targets.
const (
	hardeningLimit        = 55
	hardeningLimitReduced = 40
)

func init() {
	register("missing-hardening", func(e *threats.Env, emit func(threats.Hit)) {
		raa := e.RAA()
		for _, c := range e.Components() {
			v := raa[c.ID]
			if threats.Managed(c) || c.Type == "browser" {
				continue // run by someone else (a provider, the person with the browser): nothing for the team to harden
			}
			if v < hardeningLimit && (v < hardeningLimitReduced || (threats.Kind(c) != model.KindDataStore && !e.Is(c, threats.TraitHighValue))) {
				continue
			}
			// The impact is the rule's base; risk scoring raises it one step
			// for valuable data at stake (as Threagile rates it: low, medium
			// for strictly confidential or mission-critical data), so the
			// check does not weigh the data a second time.
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Component '%s' is among the most attractive targets of the model (attacker "+
					"attractiveness %.0f%%): it needs explicit hardening.", e.Name(c.ID), v),
			})
		}
	})
}
