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

// threagileCWE is the CWE Threagile gives each of these rules.
var threagileCWE = map[string]int{
	"missing-vault-isolation": 1008, "missing-vault": 522, "missing-waf": 1008,
	"push-instead-of-pull-deployment": 1127, "search-query-injection": 74, "server-side-request-forgery": 918,
	"service-registry-poisoning": 693, "sql-nosql-injection": 89, "unchecked-deployment": 1127,
	"unencrypted-asset": 311, "unencrypted-communication": 319, "unguarded-access-from-internet": 501,
	"unguarded-direct-datastore-access": 501, "unnecessary-communication-link": 1008, "unnecessary-data-asset": 1008,
	"unnecessary-data-transfer": 1008, "unnecessary-technical-asset": 1008, "untrusted-deserialization": 502,
	"wrong-communication-link-content": 1008, "wrong-trust-boundary-content": 1008, "xml-external-entity": 611,
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
		if len(r.CWE) == 0 || r.CWE[0] != threagileCWE[id] {
			t.Errorf("rule %s: CWE %v, want %d first", id, r.CWE, threagileCWE[id])
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
