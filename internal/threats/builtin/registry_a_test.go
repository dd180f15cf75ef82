package builtin

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
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

// genModelA builds a model with n components of the kinds the parity rules
// look at, spread over trust boundaries and shared runtimes, and 2n flows.
func genModelA(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "gen", Name: "Generated"}}
	m.Data = []model.DataAsset{
		{ID: "acct", Classification: "restricted", Quantity: "many", CIA: model.CIA{Integrity: "critical", Availability: "high"}},
		{ID: "code", Classification: "internal", CIA: model.CIA{Integrity: "critical"}},
		{ID: "news", Classification: "public"},
	}
	boundaryTypes := []model.BoundaryType{"security-group", "cloud-account", "network-on-premises", "execution-environment"}
	nb := max(1, n/50)
	for i := range nb {
		b := model.TrustBoundary{ID: fmt.Sprintf("b%d", i), Type: boundaryTypes[i%len(boundaryTypes)]}
		if i%7 == 0 {
			b.Tags = []string{"aws"}
		}
		m.TrustBoundaries = append(m.TrustBoundaries, b)
	}
	kinds := []struct {
		t    model.ComponentType
		tech string
	}{
		{"browser", ""}, {"load-balancer", ""}, {"web-server", "nginx"}, {"service", "erp"}, {"database", ""},
		{"file-storage", ""}, {"identity-provider", ""}, {"identity-store", "ldap-server"}, {"source-repository", ""},
		{"build-pipeline", ""}, {"container-platform", ""}, {"api", ""}, {"desktop-app", "devops-client"},
	}
	for i := range n {
		k := kinds[i%len(kinds)]
		c := model.Component{ID: fmt.Sprintf("c%d", i), Type: k.t, Technology: k.tech,
			TrustBoundary: fmt.Sprintf("b%d", i%nb), Runtime: fmt.Sprintf("rt%d", i%max(1, n/20))}
		switch c.Type.Kind() {
		case model.KindDataStore:
			c.Stores = []string{"acct", "code", "news"}[:1+i%3]
		case model.KindProcess:
			c.Processes = []string{"acct"}
			c.CustomCode = i%2 == 0
			c.InternetFacing = i%5 == 0
			c.HumanUse = c.Type == "browser" || c.Type == "desktop-app"
			c.MultiTenant = i%6 == 0
			if i%3 == 0 {
				c.Hosting = "container"
				c.DataFormats = []model.DataFormat{"file"}
			}
			if i%11 == 0 {
				c.Tags = []string{"aws:ec2"}
			}
		}
		m.Components = append(m.Components, c)
	}
	protocols := []model.Protocol{"https", "ldaps", "nfs", "jdbc", "http"}
	authz := []model.Authorization{"technical-user", "enduser", "none"}
	for i := range 2 * n {
		from, to := i%n, (i*7+1)%n
		if from == to {
			to = (to + 1) % n
		}
		m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", from),
			To: fmt.Sprintf("c%d", to), Protocol: protocols[i%len(protocols)], Authentication: "token",
			Authorization: authz[i%len(authz)], DataSent: []string{"acct"}, DataReceived: []string{"code"}})
	}
	return m
}

func BenchmarkRulesA(b *testing.B) { benchRules(b, threagileParityA, genModelA) }
