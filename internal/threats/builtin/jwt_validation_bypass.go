package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("jwt-validation-bypass", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !c.CustomCode || e.Has(c.ID, "token-validation") {
				continue
			}
			var flows []string
			for _, f := range e.Incoming(c.ID) {
				if (f.Authentication == "jwt" || f.Authentication == "saml") && !e.Has(f.ID, "token-validation") {
					flows = append(flows, f.ID)
				}
			}
			if len(flows) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s checks signed tokens or assertions itself (%s): "+
					"alg none, an HMAC key confused with a public key or an unchecked audience lets anyone mint one.", e.Name(c.ID), e.NameList(flows))})
			}
		}
	})
}
