package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("outdated-tls-configuration", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.InternetFacing || threats.Managed(c) || anyControl(e, c.ID, "tls", "mtls") {
				continue
			}
			var tls []string
			for _, f := range fromOutside(e, c) {
				if threats.EncryptedOnWire(f) && f.Protocol.Web() {
					tls = append(tls, f.ID)
				}
			}
			if len(tls) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s terminates TLS for outside callers itself (%s): "+
					"old protocol versions, weak ciphers or an expired certificate let an attacker on the path downgrade or read the traffic.",
					e.Name(c.ID), e.NameList(tls))})
			}
		}
	})
}
