package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("cloud-audit-logging-disabled", func(e *threats.Env, emit func(threats.Hit)) {
		if modelHas(e, "cloud-audit-logging") {
			return
		}
		for i := range e.M.TrustBoundaries {
			b := &e.M.TrustBoundaries[i]
			if b.Type == "cloud-account" {
				emit(threats.Hit{Targets: []string{b.ID}, Detail: fmt.Sprintf("The model declares no control-plane audit log for %s: "+
					"who created a key, opened a bucket or deleted a trail cannot be shown afterwards.", e.Name(b.ID))})
			}
		}
	})
}
