package threagile

import (
	"sort"
	"strings"
)

// Part names what one '@'-separated part of a Threagile risk id refers to.
type Part byte

// Parts of Threagile risk ids.
const (
	PartAsset    Part = 'A' // a technical asset
	PartFrom     Part = 'F' // the technical asset a communication link starts at (the caller)
	PartTo       Part = 'T' // the technical asset a communication link goes to
	PartLink     Part = 'L' // a communication link (source-id>title)
	PartData     Part = 'D' // a data asset
	PartBoundary Part = 'B' // a trust boundary
	PartRuntime  Part = 'R' // a shared runtime
	PartAny      Part = 'X' // an asset, boundary or shared runtime
)

// RuleMapping maps one Threagile built-in rule onto the Rampart rules that
// cover it, and describes the shape of the risk ids Threagile builds for it
// (rule-id@part@part...), so that risk_tracking keys can be translated onto
// Rampart threat ids and back.
type RuleMapping struct {
	// Threagile is the Threagile rule (risk category) id.
	Threagile string
	// Rampart lists the Rampart rule ids covering it.
	Rampart []string
	// Parts describes each '@'-separated part of Threagile's risk ids, in order.
	Parts []Part
}

// Rules is the one table mapping Threagile's 42 built-in rules onto Rampart
// rules. Rampart's parity rules reuse the Threagile ids, and each lists the
// Threagile ids it covers in its Meta.Threagile; a test keeps the two in step.
// Parts follow the risk ids Threagile's rules build (e.g. missing-authentication
// risks are missing-authentication@link@caller@target).
var Rules = []RuleMapping{
	{"accidental-secret-leak", []string{"accidental-secret-leak"}, parts("A")},
	{"code-backdooring", []string{"code-backdooring"}, parts("A")},
	{"container-baseimage-backdooring", []string{"container-baseimage-backdooring"}, parts("A")},
	{"container-platform-escape", []string{"container-platform-escape"}, parts("A")},
	{"cross-site-request-forgery", []string{"cross-site-request-forgery"}, parts("TL")},
	{"cross-site-scripting", []string{"cross-site-scripting"}, parts("A")},
	// The last part may carry a "->link" suffix when the access is forwarded.
	{"dos-risky-access-across-trust-boundary", []string{"dos-risky-access-across-trust-boundary"}, parts("TFL")},
	// incomplete-model@asset for unknown technologies, incomplete-model@link@asset for unknown protocols.
	{"incomplete-model", []string{"incomplete-model"}, parts("A")},
	{"ldap-injection", []string{"ldap-injection"}, parts("FTL")},
	{"missing-authentication", []string{"missing-authentication"}, parts("LFT")},
	{"missing-authentication-second-factor", []string{"missing-authentication-second-factor"}, parts("LFT")},
	{"missing-build-infrastructure", []string{"missing-build-infrastructure"}, parts("A")},
	{"missing-cloud-hardening", []string{"missing-cloud-hardening"}, parts("X")},
	{"missing-file-validation", []string{"missing-file-validation"}, parts("A")},
	{"missing-hardening", []string{"missing-hardening"}, parts("A")},
	{"missing-identity-propagation", []string{"missing-identity-propagation"}, parts("LFT")},
	{"missing-identity-provider-isolation", []string{"missing-identity-provider-isolation"}, parts("A")},
	{"missing-identity-store", []string{"missing-identity-store"}, parts("A")},
	{"missing-network-segmentation", []string{"missing-network-segmentation"}, parts("A")},
	{"missing-vault", []string{"missing-vault"}, parts("A")},
	{"missing-vault-isolation", []string{"missing-vault-isolation"}, parts("A")},
	{"missing-waf", []string{"missing-waf"}, parts("A")},
	{"mixed-targets-on-shared-runtime", []string{"mixed-targets-on-shared-runtime"}, parts("R")},
	{"path-traversal", []string{"path-traversal"}, parts("FTL")},
	{"push-instead-of-pull-deployment", []string{"push-instead-of-pull-deployment"}, parts("A")},
	{"search-query-injection", []string{"search-query-injection"}, parts("FTL")},
	{"server-side-request-forgery", []string{"server-side-request-forgery"}, parts("FTL")},
	{"service-registry-poisoning", []string{"service-registry-poisoning"}, parts("A")},
	{"sql-nosql-injection", []string{"sql-nosql-injection"}, parts("FTL")},
	{"unchecked-deployment", []string{"unchecked-deployment"}, parts("A")},
	{"unencrypted-asset", []string{"unencrypted-asset"}, parts("A")},
	{"unencrypted-communication", []string{"unencrypted-communication"}, parts("LFT")},
	{"unguarded-access-from-internet", []string{"unguarded-access-from-internet"}, parts("TFL")},
	{"unguarded-direct-datastore-access", []string{"unguarded-direct-datastore-access"}, parts("LFT")},
	{"unnecessary-communication-link", []string{"unnecessary-communication-link"}, parts("LF")},
	{"unnecessary-data-asset", []string{"unnecessary-data-asset"}, parts("D")},
	{"unnecessary-data-transfer", []string{"unnecessary-data-transfer"}, parts("DAA")},
	{"unnecessary-technical-asset", []string{"unnecessary-technical-asset"}, parts("A")},
	{"untrusted-deserialization", []string{"untrusted-deserialization"}, parts("A")},
	{"wrong-communication-link-content", []string{"wrong-communication-link-content"}, parts("FL")},
	{"wrong-trust-boundary-content", []string{"wrong-trust-boundary-content"}, parts("A")},
	{"xml-external-entity", []string{"xml-external-entity"}, parts("A")},
}

func parts(s string) []Part {
	out := make([]Part, len(s))
	for i := range s {
		out[i] = Part(s[i])
	}
	return out
}

var (
	byThreagile = map[string]*RuleMapping{}
	byRampart   = map[string][]*RuleMapping{}
)

func init() {
	for i := range Rules {
		r := &Rules[i]
		byThreagile[r.Threagile] = r
		for _, id := range r.Rampart {
			byRampart[id] = append(byRampart[id], r)
		}
	}
}

// RampartRules returns the Rampart rules covering a Threagile rule.
func RampartRules(threagileRule string) []string {
	if r := byThreagile[threagileRule]; r != nil {
		return r.Rampart
	}
	return nil
}

// ThreagileRules returns the Threagile rules a Rampart rule covers, sorted.
func ThreagileRules(rampartRule string) []string {
	var out []string
	for _, r := range byRampart[rampartRule] {
		out = append(out, r.Threagile)
	}
	sort.Strings(out)
	return out
}

// splitRiskID splits a Threagile risk id into its rule and parts.
func splitRiskID(key string) (rule string, parts []string) {
	all := strings.Split(strings.TrimSpace(key), "@")
	return all[0], all[1:]
}
