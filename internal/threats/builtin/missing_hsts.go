package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-hsts", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.IsAny(c, threats.TraitWebApp|threats.TraitServesWeb) || e.IsClient(c) || e.Has(c.ID, "hsts") ||
				managedIdP(e, c) {
				continue
			}
			targets := []string{c.ID}
			for _, f := range browserFlows(e, c) {
				if f.Protocol == "https" || f.Protocol == "wss" {
					targets = append(targets, f.ID) // the requests a stripped first visit exposes
				}
			}
			if len(targets) > 1 {
				emit(threats.Hit{Targets: targets, Detail: fmt.Sprintf("Browsers reach %s over HTTPS, but nothing tells them to "+
					"insist on it: the first plain-HTTP request is intercepted and the session stripped down to HTTP.", e.Name(c.ID))})
			}
		}
	})
}
