package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("cors-misconfiguration", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitWebService) || threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Has(c.ID, "cors-allowlist") {
				continue
			}
			var flows []string
			for _, f := range browserFlows(e, c) {
				if e.Authenticated(f) {
					flows = append(flows, f.ID)
				}
			}
			if len(flows) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Browsers call %s across origins with credentials (%s): "+
					"a CORS policy that reflects the Origin or trusts null or a wildcard lets any site read its answers as the user.",
					e.Name(c.ID), e.NameList(flows))})
			}
		}
	})
}
