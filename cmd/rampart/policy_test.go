package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const policyModel = `rampart: 1
system: {id: s, name: S, risk_owner: sro}
risk_appetite: {max_severity: critical}
settings: {disabled_rules: [missing-waf]}
data:
  - {id: cards, classification: restricted, cia: {confidentiality: critical, integrity: high}}
components:
  - {id: user, type: user}
  - {id: web, type: web-application, internet_facing: true, processes: [cards], custom_code: true}
  - {id: db, type: database, stores: [cards]}
flows:
  - {id: u-w, from: user, to: web, protocol: https}
  - {id: w-d, from: web, to: db, protocol: sql}
`

// TestPolicy checks the central policy from the command line: a model that
// loosens the appetite is warned and gated by the policy's; disabling a
// required rule makes the model invalid; a model's policy key is confined
// to its tree; the reports name the policy, the disabled rules and the
// loosened appetite.
func TestPolicy(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	org := write("org.yaml", "rampart-policy: 1\nname: Org\nrisk_appetite: {max_severity: medium}\nrequired_rules: [missing-authentication]\n")
	strict := write("strict.yaml", "rampart-policy: 1\nrequired_rules: [missing-waf]\n")
	m := write("svc/rampart.yaml", policyModel)
	keyed := write("svc/keyed.yaml", "policy: ../org.yaml\n"+policyModel)
	inside := write("svc/inside.yaml", "policy: policy/org.yaml\n"+policyModel)
	write("svc/policy/org.yaml", "rampart-policy: 1\nrisk_appetite: {max_severity: medium}\n")
	missing := write("svc/missing.yaml", "policy: policy/nope.yaml\n"+policyModel)
	dirKey := write("svc/dir.yaml", "policy: policy\n"+policyModel)

	// Without a policy the model's critical appetite passes the gate.
	if code, out, errOut := runIn(t, "", "check", m, "--as-of", "2026-12-01"); code != exitOK {
		t.Fatalf("no policy: exit %d\n%s%s", code, out, errOut)
	}
	cases := []struct {
		name string
		args []string
		code int
		want []string // in stdout+stderr
	}{
		{"validate -w shows the loosened appetite and the disabled rule", []string{"validate", "-w", m, "--policy", org}, exitOK, []string{
			"rampart.yaml:3:31: warning: risk_appetite.max_severity: critical is looser than the policy's medium (" + org + "); medium applies",
			"rampart.yaml:4:29: warning: settings.disabled_rules[0]: rule missing-waf is disabled"}},
		{"without -w validate passes quietly", []string{"validate", m, "--policy", org}, exitOK, []string{"rampart.yaml: ok"}},
		{"the policy's appetite gates", []string{"check", m, "--policy", org, "--as-of", "2026-12-01"}, exitFindings, []string{
			"limit medium", "looser than the policy's medium"}},
		{"an override cannot loosen a policy", []string{"check", m, "--policy", org, "--max-severity", "critical", "--as-of", "2026-12-01"}, exitFindings, []string{
			"limit medium", "--max-severity critical is looser than the policy (" + org + ")"}},
		{"disabling a required rule is an error", []string{"validate", m, "--policy", strict}, exitFindings, []string{
			"rampart.yaml:4:29: settings.disabled_rules[0]: rule missing-waf may not be disabled"}},
		{"check refuses the model too", []string{"check", m, "--policy", strict}, exitFindings, []string{"may not be disabled"}},
		{"the model's key outside its tree", []string{"check", keyed, "--as-of", "2026-12-01"}, exitFindings, []string{
			"keyed.yaml:1:9: policy: policy '../org.yaml' is outside the model's directory tree"}},
		{"--include-root widens the tree", []string{"check", keyed, "--include-root", dir, "--as-of", "2026-12-01"}, exitFindings, []string{
			"looser than the policy's medium (" + filepath.Join(dir, "svc", "..", "org.yaml") + ")"}},
		{"the model's key inside its tree", []string{"check", inside, "--as-of", "2026-12-01"}, exitFindings, []string{"limit medium"}},
		{"--policy wins over the key, with a warning", []string{"validate", "-w", inside, "--policy", strict}, exitFindings, []string{
			"the model names policy 'policy/org.yaml'; --policy " + strict + " applies instead", "may not be disabled"}},
		{"the model's key naming a missing file is a problem at the key", []string{"check", missing, "--as-of", "2026-12-01"}, exitFindings, []string{
			"missing.yaml:1:9: policy: cannot read policy file 'policy/nope.yaml': no such file or directory"}},
		{"validate reports it too", []string{"validate", missing}, exitFindings, []string{
			"missing.yaml:1:9: policy: cannot read policy file 'policy/nope.yaml'"}},
		{"the model's key naming a directory", []string{"validate", dirKey}, exitFindings, []string{
			"dir.yaml:1:9: policy: cannot read policy file 'policy': not a regular file"}},
		{"an unreadable policy is a usage error", []string{"check", m, "--policy", filepath.Join(dir, "none.yaml")}, exitUsage, []string{"policy "}},
		{"an invalid policy is an invalid input", []string{"validate", m, "--policy", write("bad.yaml", "rampart-policy: 1\nrisk_appetite: {max_severity: huge}\n")},
			exitFindings, []string{"bad.yaml:2:31: risk_appetite.max_severity: unknown severity 'huge'"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runIn(t, "", c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(out+errOut, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errOut)
				}
			}
		})
	}

	// The reports say what governed the analysis.
	_, out, _ := runIn(t, "", "analyze", m, "--policy", org, "-f", "json", "--as-of", "2026-12-01")
	var r struct {
		Appetite struct {
			MaxSeverity string `json:"max_severity"`
		}
		Policy struct {
			File     string
			Disabled []string `json:"disabled_rules"`
			Loosened []struct{ Key, Model, Policy string }
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Appetite.MaxSeverity != "medium" || r.Policy.File != org || strings.Join(r.Policy.Disabled, ",") != "missing-waf" ||
		len(r.Policy.Loosened) != 1 || r.Policy.Loosened[0].Key != "risk_appetite.max_severity" || r.Policy.Loosened[0].Model != "critical" {
		t.Errorf("json: %+v", r)
	}
	for format, want := range map[string][]string{
		"table":    {"governed by the policy Org (" + org + ")", "rules disabled by the model, not run: missing-waf", "risk_appetite.max_severity critical (policy medium)"},
		"markdown": {"- Governed by the policy Org", "- Looser than the policy"},
		"sarif":    {`"loosenedAppetites"`, `"disabledRules": [`, `"toolConfigurationNotifications"`},
	} {
		_, out, _ := runIn(t, "", "analyze", m, "--policy", org, "-f", format, "--as-of", "2026-12-01")
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", format, w, out)
			}
		}
	}
}
