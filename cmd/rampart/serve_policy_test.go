package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

// writePolicy writes a policy file into a new directory.
func writePolicy(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "org.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestServeAndPushApplyThePolicyFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")

	// A bad file stops serve before it opens the database: exit 2, with the position.
	bad := writePolicy(t, "rampart-policy: 1\nrisk_apetite:\n  max_severity: low\n")
	code, _, stderr := runCLI(t, "serve", "--db", db, "--listen", "127.0.0.1:0", "--policy", bad)
	if code != exitUsage || !strings.Contains(stderr, bad+":2:1") || !strings.Contains(stderr, "risk_appetite") {
		t.Fatalf("serve --policy with a bad file: %d %s", code, stderr)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("serve opened the database despite the bad policy: %v", err)
	}

	path := serverModel(t)
	m, ps, err := model.Load(t.Context(), path, model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("%s: %v %v", path, err, ps.Errors())
	}
	rule := analysis.Analyze(m, analysis.Options{}).Findings[0].Rule
	org := writePolicy(t, "rampart-policy: 1\nname: Org\nrisk_appetite:\n  max_severity: low\nrequired_rules: ["+rule+"]\n")
	loose := writeModel(t, strings.Replace(mustRead(t, path), "max_severity: medium", "max_severity: high", 1)+
		"settings:\n  disabled_rules: ["+rule+"]\n")

	// push checks locally under --policy: the refused disable is an error there.
	code, _, stderr = runCLI(t, "push", loose, "--policy", org, "--server", "http://127.0.0.1:1", "--token", "rampart_x")
	if code != exitFindings || !strings.Contains(stderr, "rule "+rule+" may not be disabled") || !strings.Contains(stderr, "nothing was pushed") {
		t.Fatalf("push --policy of a model disabling a required rule: %d %s", code, stderr)
	}

	// The server governs what is pushed without a local policy.
	n := startServe(t, "--db", db, "--policy", org)
	if !strings.Contains(n.stderr.String(), "policy: Org") || !strings.Contains(n.stderr.String(), "the stored policy is looser than the policy file") {
		t.Errorf("serve does not name its policy: %s", n.stderr)
	}
	tokens := bootstrap(t, db, map[string]string{"dev": "developer@team:team-pay"})
	code, stdout, stderr := runCLI(t, "push", loose, "--server", n.url, "--token", tokens["dev"])
	if code != exitOK || !strings.Contains(stdout, "governed by policy Org: 1 disable(s) refused, 1 loosening(s) overridden") ||
		!strings.Contains(stderr, "settings.disabled_rules[0]") || !strings.Contains(stderr, "risk_appetite.max_severity") {
		t.Errorf("push to a governed server: %d %s %s", code, stdout, stderr)
	}
}
