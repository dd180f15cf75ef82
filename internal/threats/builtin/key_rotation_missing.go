package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("key-rotation-missing", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if e.Has(c.ID, "key-rotation") {
				continue
			}
			if c.EncryptionAtRest == "customer-key" || c.EncryptionAtRest == "application" || e.Is(c, threats.TraitVault) || threats.TechIs(c, "kms", "hsm", "key-vault") {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s holds or uses keys the team manages, with no rotation "+
					"recorded: a key that leaked once keeps decrypting new data, and nobody knows how to replace it when it must go.", e.Name(c.ID))})
			}
		}
	})
}
