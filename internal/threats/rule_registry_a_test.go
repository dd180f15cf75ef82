package threats

import (
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
)

// threagileParityA lists rules that carry Threagile built-in rules over.
var threagileParityA = []string{
	"accidental-secret-leak", "code-backdooring", "container-baseimage-backdooring", "container-platform-escape",
	"cross-site-request-forgery", "cross-site-scripting", "dos-risky-access-across-trust-boundary", "incomplete-model",
	"ldap-injection", "missing-authentication-second-factor", "missing-build-infrastructure", "missing-cloud-hardening",
	"missing-file-validation", "missing-hardening", "missing-identity-propagation", "missing-identity-provider-isolation",
	"missing-identity-store", "missing-network-segmentation", "mixed-targets-on-shared-runtime", "path-traversal",
}

func TestRegistryA(t *testing.T) {
	rules := Builtin()
	if err := CheckRegistry(rules); err != nil {
		t.Fatal(err)
	}
	for _, id := range threagileParityA {
		r, ok := Lookup(id)
		if !ok {
			t.Errorf("rule %s is not registered", id)
			continue
		}
		if !slices.Contains(r.Threagile, id) {
			t.Errorf("rule %s: Threagile ids %v do not name %s", id, r.Threagile, id)
		}
		for _, c := range r.Mitigations {
			if _, ok := catalog.LookupControl(c); !ok {
				t.Errorf("rule %s: mitigation %q is not a catalog control", id, c)
			}
		}
		for _, c := range r.CWE {
			if catalog.CWEName(c) == "" {
				t.Errorf("rule %s: CWE-%d has no catalog name", id, c)
			}
		}
		for _, c := range r.CAPEC {
			if catalog.CAPECName(c) == "" {
				t.Errorf("rule %s: CAPEC-%d has no catalog name", id, c)
			}
		}
		for _, c := range r.ATTACK {
			if catalog.TechniqueName(c) == "" {
				t.Errorf("rule %s: ATT&CK %s has no catalog name", id, c)
			}
		}
		if len(r.References) == 0 {
			t.Errorf("rule %s: no references", id)
		}
	}
}
