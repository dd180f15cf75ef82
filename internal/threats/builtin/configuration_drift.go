package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("configuration-drift", func(e *threats.Env, emit func(threats.Hit)) {
		if modelHas(e, "drift-detection") {
			return
		}
		for i := range e.M.TrustBoundaries {
			b := &e.M.TrustBoundaries[i]
			if b.Type == "cloud-account" {
				emit(threats.Hit{Targets: []string{b.ID}, Detail: fmt.Sprintf("Nothing in the model compares %s with its intended "+
					"configuration: console changes, emergency fixes and attacker changes stay unnoticed until they matter.", e.Name(b.ID))})
			}
		}
	})
}
