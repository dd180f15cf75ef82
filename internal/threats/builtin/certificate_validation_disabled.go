package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("certificate-validation-disabled", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from == nil || to == nil || !from.CustomCode || threats.Managed(to) || threats.Kind(to) == model.KindExternalEntity ||
				!threats.EncryptedOnWire(f) || f.Authentication == "mtls" || f.Authentication == "client-certificate" || f.Protocol == "https" {
				continue
			}
			if threats.Kind(to) != model.KindDataStore && !threats.TechIs(to, "message-broker", "queue", "ldap-server", "rabbitmq", "kafka") && to.Type != "message-broker" {
				continue
			}
			if anyControl(e, f.ID, "tls", "mtls") {
				continue
			}
			emit(threats.Hit{Targets: []string{f.ID}, Detail: fmt.Sprintf("%s reaches %s over TLS with an internal certificate: client "+
				"code often turns verification off to make it work, and then anyone on the network can sit in the middle.", e.Name(from.ID), e.Name(to.ID))})
		}
	})
}
