package builtin_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/threagile"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/testfixtures"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// threagileExample imports Threagile's own example model.
func threagileExample(t *testing.T) *model.Model {
	t.Helper()
	path := testfixtures.Path(t, "threagile/threagile-example-model.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := threagile.Import(context.Background(), path, data, formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestThreagileExample runs the Threagile parity rules on Threagile's own
// example model and checks every threat they raise against what the
// Threagile rule of the same id reports there. Deliberate differences:
// Rampart rates components by the data they handle (the model's per-asset
// CIA ratings are not carried), so missing-vault is raised on the component
// handling the most sensitive data; a caller outside every trust boundary
// (the internet customer) counts as crossing one; out-of-scope components
// raise nothing (Threagile flags the out-of-scope developer client with
// unchecked-deployment); and the CMS reading the LDAP directory in another
// segment counts as unguarded direct data store access although both
// segments sit in the same outer network.
func TestThreagileExample(t *testing.T) {
	m := threagileExample(t)
	want := map[string][]string{
		"accidental-secret-leak":          {"git-repo"},
		"code-backdooring":                {"git-repo", "jenkins-build-server"},
		"container-baseimage-backdooring": {"apache-webserver", "marketing-cms"},
		"container-platform-escape":       nil,
		// Threagile raises CSRF on every web request to a web application;
		// Rampart only on browser requests authenticated by a session cookie,
		// the only ones a foreign page can forge.
		"cross-site-request-forgery": {"load-balancer.web-application-traffic"},
		"cross-site-scripting":       {"apache-webserver", "erp-system", "identity-provider", "marketing-cms"},
		"dos-risky-access-across-trust-boundary": {
			"apache-webserver.auth-credential-check-traffic", "apache-webserver.erp-system-traffic",
			"backoffice-client.erp-internal-access", "marketing-cms.auth-traffic",
			// Rampart only: the CMS handles customer accounts (critical availability) ...
			"backoffice-client.marketing-cms-editing",
			// ... and the internet customer is outside every boundary.
			"customer-client.customer-traffic+load-balancer.cms-content-traffic",
			"customer-client.customer-traffic+load-balancer.web-application-traffic",
		},
		"incomplete-model": nil,
		"ldap-injection":   {"identity-provider.ldap-credential-check-traffic", "marketing-cms.auth-traffic"},
		"missing-authentication-second-factor": {
			"backend-admin-client.db-update-access", "backend-admin-client.erp-web-access",
			"backend-admin-client.user-management-access", "backoffice-client.erp-internal-access",
			"customer-client.customer-traffic+load-balancer.cms-content-traffic",
			"customer-client.customer-traffic+load-balancer.web-application-traffic",
			"external-dev-client.git-repo-code-write-access", "external-dev-client.git-repo-web-ui-access",
			"external-dev-client.jenkins-web-ui-access",
		},
		"missing-build-infrastructure":        nil,
		"missing-cloud-hardening":             {"apache-webserver", "application-network", "contract-file-server", "erp-dmz", "web-dmz"},
		"missing-file-validation":             {"apache-webserver"},
		"missing-identity-propagation":        {"apache-webserver.erp-system-traffic"},
		"missing-identity-provider-isolation": nil,
		"missing-identity-store":              nil,
		"mixed-targets-on-shared-runtime":     {"webapp-virtualization"},
		"path-traversal":                      {"erp-system.nfs-filesystem-access"},
		"missing-vault-isolation":             nil,
		"missing-vault":                       {"apache-webserver"},
		"missing-waf":                         {"apache-webserver", "erp-system", "identity-provider", "marketing-cms"},
		"push-instead-of-pull-deployment": {
			"jenkins-build-server.application-deployment", "jenkins-build-server.cms-updates",
		},
		"search-query-injection": nil,
		// Threagile raises SSRF on every outgoing web link of a server;
		// Rampart only on requests to a generic external entity (addresses
		// the server is told to fetch). The web server's calls to the
		// identity provider and the ERP system go to fixed addresses.
		"server-side-request-forgery": nil,
		"service-registry-poisoning":  nil,
		"sql-nosql-injection":         {"erp-system.database-traffic"},
		"unchecked-deployment":        {"git-repo", "jenkins-build-server"},
		// Threagile also raises unencrypted-asset for data of critical
		// integrity only (code on the web server, repository and build
		// server); encryption at rest protects secrecy, so Rampart does not.
		"unencrypted-asset": {"contract-file-server", "sql-database"},
		"unencrypted-communication": {
			"erp-system.database-traffic", "erp-system.nfs-filesystem-access",
			"load-balancer.web-application-traffic", "marketing-cms.auth-traffic",
		},
		"unguarded-access-from-internet": {
			"external-dev-client.git-repo-code-write-access", "external-dev-client.git-repo-web-ui-access",
			"external-dev-client.jenkins-web-ui-access",
		},
		"unguarded-direct-datastore-access": {"marketing-cms.auth-traffic"},
		"unnecessary-communication-link":    nil,
		"unnecessary-data-asset":            nil,
		"unnecessary-data-transfer":         nil,
		"unnecessary-technical-asset":       nil,
		"untrusted-deserialization":         {"erp-system", "jenkins-build-server"},
		"wrong-communication-link-content":  nil,
		"wrong-trust-boundary-content":      nil,
		"xml-external-entity":               {"erp-system"},
	}
	for rule, targets := range want {
		r, ok := builtin.Lookup(rule)
		if !ok {
			t.Errorf("rule %s is not registered", rule)
			continue
		}
		var gotIDs, gotTargets []string
		for _, th := range threats.Identify(m, []threats.Rule{r}) {
			if th.Rule == rule {
				gotIDs = append(gotIDs, th.ID)
				gotTargets = append(gotTargets, strings.Join(th.Targets, "+"))
			}
		}
		var expIDs []string
		for _, tg := range targets {
			expIDs = append(expIDs, threats.ID(rule, []string{tg}))
		}
		slices.Sort(expIDs)
		if !slices.Equal(gotIDs, expIDs) {
			t.Errorf("%s:\n  got  %q\n  want %q", rule, gotIDs, expIDs)
		}
		slices.Sort(gotTargets)
		if !slices.Equal(gotTargets, slices.Sorted(slices.Values(targets))) {
			t.Errorf("%s: raised on %q, want %q", rule, gotTargets, targets)
		}
	}
	// missing-hardening and missing-network-segmentation rank components by
	// attractiveness: the most valuable ones must be among them.
	for rule, must := range map[string][]string{
		"missing-hardening":            {"erp-system", "sql-database", "ldap-auth-server", "jenkins-build-server"},
		"missing-network-segmentation": {"jenkins-build-server"},
	} {
		r, ok := builtin.Lookup(rule)
		if !ok {
			t.Fatalf("no rule %s", rule)
		}
		found := map[string]bool{}
		for _, th := range threats.Identify(m, []threats.Rule{r}) {
			found[th.Targets[0]] = true
		}
		for _, id := range must {
			if !found[id] {
				t.Errorf("%s: no threat on %s (found %v)", rule, id, found)
			}
		}
	}
}
