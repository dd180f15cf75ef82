package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("tokens-in-browser-storage", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || e.Has(c.ID, "secure-token-storage") {
				continue
			}
			var flows []string
			for _, f := range browserFlows(e, c) {
				if bearer(f) && !e.Has(f.ID, "secure-token-storage") {
					flows = append(flows, f.ID)
				}
			}
			if len(flows) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Browser code calls %s with bearer tokens (%s), which "+
					"single-page apps keep in localStorage or memory: any script injected into the page reads and exports them.",
					e.Name(c.ID), e.NameList(flows))})
			}
		}
	})
}
