package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "unencrypted-asset",
			Title:       "Unencrypted technical asset",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Scope:       ScopeComponent,
			CWE:         []int{311, 312},
			ATTACK:      []string{"T1005", "T1530"},
			Likelihood:  2,
			Impact:      3,
			Mitigations: []string{"encryption-at-rest"},
			Threagile:   []string{"unencrypted-asset"},
			Trigger: "An in-scope component that keeps data at rest (not a pure forwarder such as a load balancer, reverse " +
				"proxy, WAF or IDS) stores confidential data or data of critical integrity without encryption at rest; or " +
				"stores strictly confidential or mission-critical end-user data (database, file server, queue, ERP, ...) " +
				"without per-customer keys.",
			Why: "Whoever gets at the disks, snapshots, backups or the storage account of an unencrypted store reads " +
				"everything in it, without going through the application or its access control.",
			Mitigation: "Encrypt the store at rest with managed keys kept apart from the data; for the most sensitive " +
				"end-user data, encrypt per customer (customer-managed or per-tenant keys) so one compromised key does not expose all.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) == model.KindExternalEntity || rbNoStorage(c) || len(c.Stores) == 0 {
					continue
				}
				r := e.rbRate(c.Stores)
				if !r.sensitive() {
					continue
				}
				perUser := r.top() && rbHoldsUserData(c)
				switch {
				case c.EncryptionAtRest == "" || c.EncryptionAtRest == "none":
					emit(Hit{
						Targets: []string{c.ID},
						Impact:  rbImpact(r, 3, 3, 4),
						Detail:  fmt.Sprintf("%s stores %s without encryption at rest.", e.Name(c.ID), e.rbNames(c.Stores)),
					})
				case perUser && c.EncryptionAtRest != "customer-key":
					emit(Hit{
						Targets: []string{c.ID},
						Impact:  3,
						Detail: fmt.Sprintf("%s stores %s encrypted with %s keys only; data this sensitive calls for per-customer keys.",
							e.Name(c.ID), e.rbNames(c.Stores), c.EncryptionAtRest),
					})
				}
			}
		},
	})
}
