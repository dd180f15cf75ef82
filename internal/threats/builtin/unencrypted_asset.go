package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unencrypted-asset", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) == model.KindExternalEntity || e.Is(c, threats.TraitNoStorage) || len(c.Stores) == 0 {
				continue
			}
			r := e.RateData(c.Stores).Secrecy()
			if !r.Confidential() {
				continue // encryption at rest protects secrecy: public and internal data need none
			}
			perUser := r.Top() && e.Is(c, threats.TraitUserData)
			switch {
			case c.EncryptionAtRest == "" || c.EncryptionAtRest == "none":
				emit(threats.Hit{
					Targets: []string{c.ID},
					Impact:  r.Impact(3, 3, 4),
					Detail:  fmt.Sprintf("%s stores %s without encryption at rest.", e.Name(c.ID), e.NameList(c.Stores)),
				})
			case perUser && c.EncryptionAtRest != "customer-key":
				emit(threats.Hit{
					Targets: []string{c.ID},
					Impact:  3,
					Detail: fmt.Sprintf("%s stores %s encrypted with %s keys only; data this sensitive calls for per-customer keys.",
						e.Name(c.ID), e.NameList(c.Stores), c.EncryptionAtRest),
				})
			}
		}
	})
}
