package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-hsts", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.IsAny(c, threats.TraitWebApp|threats.TraitServesWeb) || e.IsClient(c) || e.Has(c.ID, "hsts") {
				continue
			}
			https := false
			for _, f := range browserFlows(e, c) {
				https = https || f.Protocol == "https" || f.Protocol == "wss"
			}
			if https {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Browsers reach %s over HTTPS, but nothing tells them to "+
					"insist on it: the first plain-HTTP request is intercepted and the session stripped down to HTTP.", e.Name(c.ID))})
			}
		}
	})
}
