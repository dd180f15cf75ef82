package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("home-made-cryptography", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.CustomCode || e.Has(c.ID, "vetted-crypto") {
				continue
			}
			own := c.EncryptionAtRest == "application"
			for _, f := range e.Outgoing(c.ID) {
				own = own || f.Encryption == "application"
			}
			if own {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s encrypts in its own code: weak algorithms, ECB mode, "+
					"reused IVs or keys kept next to the data give the protection up without anyone noticing.", e.Name(c.ID))})
			}
		}
	})
}
