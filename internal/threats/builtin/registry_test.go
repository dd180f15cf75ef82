package builtin

import (
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/threats"
)

// identityRules lists the code and build integrity, web, identity and
// segmentation rules that carry a Threagile rule of the same id.
var identityRules = []string{
	"accidental-secret-leak", "code-backdooring", "container-baseimage-backdooring", "container-platform-escape",
	"cross-site-request-forgery", "cross-site-scripting", "dos-risky-access-across-trust-boundary", "incomplete-model",
	"ldap-injection", "missing-authentication-second-factor", "missing-build-infrastructure", "missing-cloud-hardening",
	"missing-file-validation", "missing-hardening", "missing-identity-propagation", "missing-identity-provider-isolation",
	"missing-identity-store", "missing-network-segmentation", "mixed-targets-on-shared-runtime", "path-traversal",
}

// exposureRules lists the exposure, injection, deployment, encryption and
// model-consistency rules that carry a Threagile rule of the same id.
var exposureRules = []string{
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

// beyondThreagileRules lists the rules on logging and monitoring,
// administration, backups, CI/CD and supply chain, privacy, abuse and tenant
// isolation, which have no Threagile counterpart.
var beyondThreagileRules = []string{
	"missing-audit-logging",
	"missing-security-monitoring",
	"admin-interface-without-mfa",
	"admin-interface-exposed",
	"missing-backup",
	"unencrypted-backups",
	"secrets-in-ci-cd",
	"supply-chain-dependency-risk",
	"personal-data-without-privacy-controls",
	"personal-data-to-third-party",
	"personal-data-unencrypted-at-rest",
	"sensitive-data-in-logs",
	"missing-rate-limiting",
	"weak-authentication-internet",
	"overprivileged-datastore-access",
	"insecure-iot-channel",
	"multi-tenant-data-isolation",
	"llm-prompt-injection",
	"personal-data-unencrypted-in-transit",
}

// lookupRules returns the built-in rules with the given ids, failing the
// test or benchmark on an id that is not registered.
func lookupRules(tb testing.TB, ids []string) []threats.Rule {
	tb.Helper()
	var rules []threats.Rule
	for _, id := range ids {
		r, ok := Lookup(id)
		if !ok {
			tb.Fatalf("no rule %s", id)
		}
		rules = append(rules, r)
	}
	return rules
}

// checkCatalogLinks checks that a rule's mitigations, weaknesses, attack
// patterns and techniques all name entries of the catalog, and that it has
// references.
func checkCatalogLinks(t *testing.T, r threats.Rule) {
	t.Helper()
	id := r.ID
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
	for _, a := range r.ATTACK {
		if len(a) < 5 || a[0] != 'T' && !strings.HasPrefix(a, "AML.T") {
			t.Errorf("rule %s: ATT&CK id %q is not an ATT&CK or ATLAS technique id", id, a)
		}
		if catalog.TechniqueName(a) == "" {
			t.Errorf("rule %s: ATT&CK %s has no catalog name", id, a)
		}
	}
	if len(r.References) == 0 {
		t.Errorf("rule %s: no references", id)
	}
}

// TestThreagileRules checks the rules that carry Threagile rules over: each
// is registered, claims the Threagile rule of its own id, has a scope and
// links only to catalog entries.
func TestThreagileRules(t *testing.T) {
	for _, id := range slices.Concat(identityRules, exposureRules) {
		t.Run(id, func(t *testing.T) {
			r, ok := Lookup(id)
			if !ok {
				t.Fatalf("rule %s is not registered", id)
			}
			if !slices.Contains(r.Threagile, id) {
				t.Errorf("rule %s: Threagile ids %v do not name %s", id, r.Threagile, id)
			}
			if r.Scope == "" {
				t.Errorf("rule %s: no scope", id)
			}
			checkCatalogLinks(t, r)
		})
	}
}

// TestBeyondThreagileRules checks the rules Threagile has no counterpart
// for: each is registered, has mitigations, links only to catalog entries,
// claims no Threagile id, and sits in the privacy category exactly when it
// is about personal data.
func TestBeyondThreagileRules(t *testing.T) {
	for _, id := range beyondThreagileRules {
		t.Run(id, func(t *testing.T) {
			r, ok := Lookup(id)
			if !ok {
				t.Fatalf("rule %s is not registered", id)
			}
			if len(r.Mitigations) == 0 {
				t.Errorf("rule %s: mitigations are required", id)
			}
			checkCatalogLinks(t, r)
			if len(r.Threagile) > 0 {
				t.Errorf("rule %s: goes beyond Threagile and must not claim Threagile ids %v", id, r.Threagile)
			}
			if privacy := strings.HasPrefix(id, "personal-data-"); privacy != (r.Category == "privacy") {
				t.Errorf("rule %s: category %q", id, r.Category)
			}
		})
	}
}
