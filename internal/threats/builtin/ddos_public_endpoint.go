package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("ddos-public-endpoint", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.InternetFacing || anyControl(e, c.ID, "ddos-protection") {
				continue
			}
			if e.Rate(c.ID).A < 3 {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s is on the internet and handles data the business needs "+
				"available: a volumetric or application-layer flood takes it and what depends on it offline.", e.Name(c.ID))})
		}
	})
}
