package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "multi-tenant-data-isolation",
			Title:       "Tenant data not isolated in a shared component",
			STRIDE:      []model.STRIDE{model.InformationDisclosure, model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{668, 639, 1220},
			ATTACK:      []string{"T1078"},
			Likelihood:  3,
			Impact:      4,
			Mitigations: []string{"tenant-isolation", "access-control"},
			Trigger: "A component shared by several tenants (multi_tenant) stores or processes confidential or " +
				"restricted data.",
			Why: "When tenants share code paths, schemas or caches, one missing tenant filter, a guessable " +
				"identifier or a shared cache key lets any customer read or change another customer's data with " +
				"an ordinary account. A single flaw then becomes a breach of every tenant at once.",
			Mitigation: "Derive the tenant from the authenticated identity, never from request input; scope every " +
				"query and cache key by tenant (row-level security, separate schemas or databases, per-tenant " +
				"encryption keys for restricted data); and test cross-tenant access in CI.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Multi_Tenant_Security_Cheat_Sheet.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
				"NIST SP 800-144, Guidelines on Security and Privacy in Public Cloud Computing",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !c.MultiTenant || Kind(c) == model.KindExternalEntity {
					continue
				}
				shared := e.classifiedAmong(2, c.Stores, c.Processes)
				if len(shared) == 0 {
					continue
				}
				h := Hit{Targets: []string{c.ID}, Data: shared,
					Detail: fmt.Sprintf("%s serves several tenants and holds their %s; a missing tenant check would "+
						"expose one tenant's data to another.", e.Name(c.ID), e.nameList(shared))}
				if len(e.classifiedAmong(3, shared)) > 0 {
					h.Impact = 5
				}
				emit(h)
			}
		},
	})
}
