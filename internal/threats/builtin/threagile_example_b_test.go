package builtin_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats/threagile"
	"github.com/rampart-sec/rampart/internal/testfixtures"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// TestThreagileExampleB runs the exposure, injection, deployment, encryption
// and model-consistency parity rules on Threagile's own example model and
// checks every threat they raise against what the Threagile rule of the same
// id reports there. Deliberate differences: out-of-scope components raise
// nothing (Threagile flags the out-of-scope developer client with
// unchecked-deployment); missing-vault is raised on the component handling the
// most sensitive data (the per-asset CIA ratings Threagile uses are not
// carried); and the CMS reading the LDAP directory in another segment counts
// as unguarded direct data store access although both segments sit in the
// same outer network.
func TestThreagileExampleB(t *testing.T) {
	path := testfixtures.Path(t, "threagile/threagile-example-model.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := threagile.Import(context.Background(), path, data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"missing-vault-isolation": nil,
		"missing-vault":           {"apache-webserver"},
		"missing-waf":             {"apache-webserver", "erp-system", "identity-provider", "marketing-cms"},
		"push-instead-of-pull-deployment": {
			"jenkins-build-server.application-deployment", "jenkins-build-server.cms-updates",
		},
		"search-query-injection": nil,
		"server-side-request-forgery": {
			"apache-webserver.auth-credential-check-traffic", "apache-webserver.erp-system-traffic",
		},
		"service-registry-poisoning": nil,
		"sql-nosql-injection":        {"erp-system.database-traffic"},
		"unchecked-deployment":       {"git-repo", "jenkins-build-server"},
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
	for id, targets := range want {
		r, ok := builtin.Lookup(id)
		if !ok {
			t.Errorf("no rule %s", id)
			continue
		}
		var got []string
		for _, th := range threats.Identify(m, []threats.Rule{r}) {
			if th.Rule == id {
				got = append(got, strings.Join(th.Targets, "+"))
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, targets) {
			t.Errorf("%s: raised on %q, want %q", id, got, targets)
		}
	}
}
