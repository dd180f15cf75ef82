package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("mobile-missing-certificate-pinning", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from := e.Source(f)
			if from == nil || !mobile(from) || !threats.EncryptedOnWire(f) || anyControl(e, f.ID, "certificate-pinning") || e.Has(from.ID, "certificate-pinning") {
				continue
			}
			if data := e.DataWhere(threats.Rating.Confidential, f.DataSent, f.DataReceived); len(data) > 0 {
				emit(threats.Hit{Targets: []string{f.ID}, Data: data, Detail: fmt.Sprintf("%s sends %s over TLS that trusts any certificate "+
					"the phone trusts: a proxy with an installed root certificate (on a managed or compromised device) reads and changes it.",
					e.Name(from.ID), e.NameList(data))})
			}
		}
	})
}
