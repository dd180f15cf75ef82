package builtin

import (
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
)

// rulesB lists the exposure, injection, deployment, encryption and
// model-consistency rules that carry a Threagile rule of the same id.
var rulesB = []string{
	"missing-vault-isolation",
	"missing-vault",
	"missing-waf",
	"push-instead-of-pull-deployment",
	"search-query-injection",
	"server-side-request-forgery",
	"service-registry-poisoning",
	"sql-nosql-injection",
	"unchecked-deployment",
	"unencrypted-asset",
	"unencrypted-communication",
	"unguarded-access-from-internet",
	"unguarded-direct-datastore-access",
	"unnecessary-communication-link",
	"unnecessary-data-asset",
	"unnecessary-data-transfer",
	"unnecessary-technical-asset",
	"untrusted-deserialization",
	"wrong-communication-link-content",
	"wrong-trust-boundary-content",
	"xml-external-entity",
}

func TestRegistryB(t *testing.T) {
	for _, id := range rulesB {
		r, ok := Lookup(id)
		if !ok {
			t.Errorf("rule %s is not registered", id)
			continue
		}
		if !slices.Contains(r.Threagile, id) {
			t.Errorf("rule %s: Threagile ids %v do not include its own id", id, r.Threagile)
		}
		for _, c := range r.Mitigations {
			if _, ok := catalog.LookupControl(c); !ok {
				t.Errorf("rule %s: mitigation %q is not a catalog control", id, c)
			}
		}
		for _, a := range r.ATTACK {
			if len(a) < 5 || a[0] != 'T' {
				t.Errorf("rule %s: ATT&CK id %q is not a technique id", id, a)
			}
		}
		if r.Scope == "" || len(r.References) == 0 {
			t.Errorf("rule %s: scope and references are required", id)
		}
	}
}
