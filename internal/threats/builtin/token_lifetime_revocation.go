package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("token-lifetime-revocation", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || e.Has(c.ID, "token-revocation") {
				continue
			}
			var flows []string
			for _, f := range clientFlows(e, c) {
				if bearer(f) && !e.Has(f.ID, "token-revocation") {
					flows = append(flows, f.ID)
				}
			}
			if len(flows) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Clients call %s with bearer tokens (%s): a stolen token works "+
					"until it expires, also after sign-out or a password change, unless tokens are short-lived and revocable.", e.Name(c.ID), e.NameList(flows))})
			}
		}
	})
}
