package catalog_test

import (
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// TestBuiltinRuleIDsResolve checks that every CWE, CAPEC, ATT&CK and ATLAS
// id a built-in rule refers to is in the embedded catalog with a name, and
// that the AI rules use ATLAS.
func TestBuiltinRuleIDsResolve(t *testing.T) {
	rules := builtin.Rules()
	if len(rules) == 0 {
		t.Fatal("no built-in rules")
	}
	atlas := 0
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
			switch {
			case catalog.IsATLAS(id) && catalog.ATLASName(id) == "":
				t.Errorf("%s: ATLAS %s is not in the ATLAS table", r.ID, id)
			case catalog.TechniqueName(id) == "":
				t.Errorf("%s: ATT&CK %s is not in the catalog", r.ID, id)
			}
			if catalog.IsATLAS(id) {
				atlas++
			}
		}
	}
	if atlas == 0 {
		t.Error("no built-in rule names an ATLAS technique")
	}
}
