package catalog_test

import (
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// TestBuiltinRuleIDsResolve checks that every CWE, CAPEC and ATT&CK id a
// built-in rule refers to is in the embedded catalog with a name.
func TestBuiltinRuleIDsResolve(t *testing.T) {
	rules := builtin.Rules()
	if len(rules) == 0 {
		t.Fatal("no built-in rules")
	}
	for _, r := range rules {
		for _, id := range r.CWE {
			if catalog.CWEName(id) == "" {
				t.Errorf("%s: CWE-%d is not in the catalog", r.ID, id)
			}
		}
		for _, id := range r.CAPEC {
			if catalog.CAPECName(id) == "" {
				t.Errorf("%s: CAPEC-%d is not in the catalog", r.ID, id)
			}
		}
		for _, id := range r.ATTACK {
			if catalog.TechniqueName(id) == "" {
				t.Errorf("%s: ATT&CK %s is not in the catalog", r.ID, id)
			}
		}
	}
}
