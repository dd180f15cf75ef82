package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process and returns the exit code and outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeModel(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rampart.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// gateModel has one unauthenticated internet flow into a process holding
// restricted data: a missing-authentication threat well above "low".
const gateModel = `rampart: 1
system: {id: gate, name: Gate, risk_owner: sro}
risk_appetite: {max_severity: APPETITE}
data:
  - {id: cards, classification: restricted, cia: {confidentiality: critical, integrity: high}}
components:
  - {id: user, type: user}
  - {id: api, type: api, internet_facing: true, processes: [cards], controls: [audit-logging, monitoring, rate-limiting, waf]}
flows:
  - {id: u-a, from: user, to: api, protocol: https, data_sent: [cards]}
`

// anyCode accepts any exit status where other rules decide it.
const anyCode = -1

func TestCheckExitCodes(t *testing.T) {
	above := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1))
	within := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1))
	accepted := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1)+`treatments:
  - {threat: missing-authentication@u-a, status: accepted, accepted_by: sro, justification: token rollout in Q1, expires: 2027-03-31}
`)
	expired := accepted // the same acceptance, judged after its expiry
	invalid := writeModel(t, "rampart: 1\nsystem: {id: x, name: X}\ncomponents:\n  - {id: a, type: bogus}\n")
	tests := []struct {
		name string
		args []string
		code int
		out  string
		// notOut must not appear: a treated threat is not a breach.
		notOut string
	}{
		{"above appetite", []string{"check", above, "--as-of", "2026-11-24"}, exitFindings, "missing-authentication@u-a", ""},
		{"within appetite", []string{"check", within, "--as-of", "2026-11-24"}, exitOK, "ok:", ""},
		{"override loosens", []string{"check", above, "--max-severity", "critical", "--as-of", "2026-11-24"}, exitOK, "ok:", ""},
		{"override tightens", []string{"check", within, "--max-severity", "low", "--as-of", "2026-11-24"}, exitFindings, "limit low", ""},
		{"accepted risk is no breach", []string{"check", accepted, "--as-of", "2026-11-24"}, anyCode, "", "missing-authentication@u-a"},
		{"expired acceptance fails again", []string{"check", expired, "--as-of", "2027-04-01"}, exitFindings, "missing-authentication@u-a", ""},
		{"invalid model", []string{"check", invalid}, exitFindings, "", ""},
		{"missing file", []string{"check", filepath.Join(t.TempDir(), "nope.yaml")}, exitUsage, "", ""},
		{"bad severity", []string{"check", above, "--max-severity", "hihg"}, exitUsage, "", ""},
		{"no argument", []string{"check"}, exitUsage, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if tt.code != anyCode && code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("stdout lacks %q:\n%s", tt.out, out)
			}
			if tt.notOut != "" && strings.Contains(out, tt.notOut) {
				t.Errorf("stdout has %q:\n%s", tt.notOut, out)
			}
		})
	}
	_, _, errOut := runCLI(t, "check", expired, "--as-of", "2027-04-01")
	if !strings.Contains(errOut, "acceptance of missing-authentication@u-a expired on 2027-03-31") {
		t.Errorf("expired acceptance not reported: %s", errOut)
	}
	_, _, errOut = runCLI(t, "check", above, "--max-severity", "hihg")
	if !strings.Contains(errOut, "did you mean 'high'?") {
		t.Errorf("no suggestion for a misspelt severity: %s", errOut)
	}
	_, _, errOut = runCLI(t, "check", invalid)
	if !strings.Contains(errOut, "rampart.yaml:4:") || !strings.Contains(errOut, "unknown value 'bogus'") {
		t.Errorf("invalid model problems not shown with positions: %s", errOut)
	}
}

func TestAnalyzeOutputs(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1))
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "analyze", model, "--as-of", "2026-11-24",
		"--out", "json="+filepath.Join(dir, "a.json"), "--out", "sarif="+filepath.Join(dir, "a.sarif"),
		"--out", "markdown="+filepath.Join(dir, "a.md"), "--out", "csv="+filepath.Join(dir, "a.csv"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		FormatVersion string `json:"format_version"`
		Threats       []struct {
			ID string `json:"id"`
		} `json:"threats"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "a.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil || res.FormatVersion == "" || len(res.Threats) == 0 {
		t.Fatalf("json output: %v %+v", err, res)
	}
	for _, f := range []string{"a.sarif", "a.md", "a.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.Contains(b, []byte("missing-authentication@u-a")) {
			t.Errorf("%s: %v, or the threat id is missing", f, err)
		}
	}
	// Same input, same bytes.
	_, out1, _ := runCLI(t, "analyze", model, "--as-of", "2026-11-24", "-f", "json")
	_, out2, _ := runCLI(t, "analyze", model, "--as-of", "2026-11-24", "-f", "json")
	if out1 != out2 || !strings.Contains(out1, `"as_of": "2026-11-24"`) {
		t.Error("analyze json is not byte-identical across runs")
	}
	if code, _, _ := runCLI(t, "analyze", model, "-f", "yaml"); code != exitUsage {
		t.Errorf("unknown format: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "analyze", model, "--out", "json"); code != exitUsage {
		t.Errorf("--out without a file: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "analyze", model, "--as-of", "24/11/2026"); code != exitUsage {
		t.Errorf("bad --as-of: exit %d, want %d", code, exitUsage)
	}
}

func TestAnalyzeCustomRules(t *testing.T) {
	// The example rules flag internet-facing administration interfaces without MFA.
	model := writeModel(t, strings.Replace(strings.Replace(gateModel, "APPETITE", "low", 1), "internet_facing: true,", "internet_facing: true, admin_interface: true,", 1))
	code, out, errOut := runCLI(t, "analyze", model, "--rules", "../../internal/threats/custom/testdata", "-f", "json", "--as-of", "2026-11-24")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"origin": "custom"`) || !strings.Contains(out, `@api"`) {
		t.Errorf("no custom threat on api in the output")
	}
	code, _, errOut = runCLI(t, "check", model, "--rules", "../../internal/threats/custom/testdata/invalid")
	if code != exitUsage || !strings.Contains(errOut, ".yaml:") {
		t.Errorf("invalid custom rules: exit %d, stderr %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "analyze", model, "--rules", filepath.Join(t.TempDir(), "missing")); code != exitUsage {
		t.Errorf("missing rules directory: exit %d, want %d", code, exitUsage)
	}
}

// TestCheckCustomRuleFailures checks that check prints a custom rule's run
// time failures, and fails the gate when a rule was switched off, since
// its threats were never looked for.
func TestCheckCustomRuleFailures(t *testing.T) {
	src := strings.Replace(gateModel, "APPETITE", "critical", 1)
	for i := range 12 {
		src += fmt.Sprintf("  - {id: f%d, from: user, to: api, protocol: https}\n", i)
	}
	m := writeModel(t, src)
	head := "id: acme-r\ntitle: T\nstride: [spoofing]\nscope: flow\nlikelihood: 1\nimpact: 1\ntrigger: t\nwhy: w\nmitigation: m\n"
	tests := []struct {
		name, condition string
		code            int
		want            string
	}{
		{"a condition failing on some flows is a warning", "flow.tags[0] == 'x'", exitOK,
			"r.yaml:10:12: warning: condition: custom rule acme-r could not be evaluated on 13 element(s), first on u-a: index out of bounds: 0"},
		{"a rule out of budget fails the gate", "lists.range(700).exists(a, lists.range(700).exists(b, a * b == -1))", exitFindings,
			"1 custom rule(s) could not run (" + "RULES" + "r.yaml:10:12), so the gate did not check their threats"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir() + string(filepath.Separator)
			if err := os.WriteFile(dir+"r.yaml", []byte(head+"condition: \""+tt.condition+"\"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runCLI(t, "check", m, "--rules", dir, "--as-of", "2026-11-24")
			if want := strings.ReplaceAll(tt.want, "RULES", dir); code != tt.code || !strings.Contains(errOut, want) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s%s", code, tt.code, want, out, errOut)
			}
		})
	}
}

// TestTreatmentRuleChecked checks that a misspelt rule in a treatment id is
// an error with a suggestion, and that custom rule ids are known with --rules.
func TestTreatmentRuleChecked(t *testing.T) {
	typo := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1)+`treatments:
  - {threat: missing-authentcation@u-a, status: open}
`)
	code, out, _ := runCLI(t, "validate", typo)
	if code != exitFindings || !strings.Contains(out, "unknown rule 'missing-authentcation'") || !strings.Contains(out, "did you mean 'missing-authentication'?") {
		t.Errorf("validate: exit %d\n%s", code, out)
	}
	custom := writeModel(t, strings.Replace(strings.Replace(gateModel, "APPETITE", "critical", 1), "internet_facing: true,", "internet_facing: true, admin_interface: true,", 1)+`treatments:
  - {threat: acme-internet-admin-without-mfa@api, status: false-positive, justification: break-glass only}
`)
	if code, _, errOut := runCLI(t, "check", custom); code != exitFindings || !strings.Contains(errOut, "unknown rule 'acme-internet-admin-without-mfa'") {
		t.Errorf("without --rules the custom rule is unknown: exit %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "check", custom, "--rules", "../../internal/threats/custom/testdata"); code != exitOK {
		t.Errorf("with --rules: exit %d %s", code, errOut)
	}
}

// TestPathsPerEntry checks that --paths-per-entry sets how many attack
// paths each entry point keeps, and that a value below 1 is a usage error.
func TestPathsPerEntry(t *testing.T) {
	perEntry := func(out string) map[string]int {
		var r struct {
			Paths []struct{ Entry string } `json:"attack_paths"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		n := map[string]int{}
		for _, p := range r.Paths {
			n[p.Entry]++
		}
		return n
	}
	model := "../../examples/online-shop.yaml"
	_, def, _ := runIn(t, "", "analyze", model, "-f", "json", "--as-of", "2026-11-24")
	_, one, _ := runIn(t, "", "analyze", model, "-f", "json", "--as-of", "2026-11-24", "--paths-per-entry", "1")
	d, o := perEntry(def), perEntry(one)
	most := 0
	for e, n := range d {
		most = max(most, n)
		if o[e] != 1 {
			t.Errorf("--paths-per-entry 1: entry %s keeps %d paths", e, o[e])
		}
	}
	if most < 2 || most > 3 {
		t.Errorf("default: at most %d paths per entry point, want 2 or 3 on this model: %v", most, d)
	}
	if code, _, errOut := runIn(t, "", "analyze", model, "--paths-per-entry", "0"); code != exitUsage || !strings.Contains(errOut, "--paths-per-entry 0") {
		t.Errorf("--paths-per-entry 0: exit %d, %s", code, errOut)
	}
}

// TestMaxElements refuses a model with more components and flows than
// --max-elements allows before analysing it, naming the limit and the flag,
// and analyses it once the limit is raised.
func TestMaxElements(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1)) // 2 components, 1 flow
	out := filepath.Join(t.TempDir(), "out.json")
	tests := []struct {
		name    string
		args    []string
		code    int
		stderr  []string
		written bool
	}{
		{"over the limit", []string{"analyze", model, "--max-elements", "2", "-o", out}, exitFindings,
			[]string{"rampart.yaml:", "2 components and 1 flows", "more than the 2 elements", "--max-elements 3"}, false},
		{"check over the limit", []string{"check", model, "--max-elements", "2"}, exitFindings,
			[]string{"--max-elements allows"}, false},
		{"at the limit", []string{"analyze", model, "--max-elements", "3", "-o", out}, exitOK, nil, true},
		{"default", []string{"analyze", model, "-o", out}, exitOK, nil, true},
		{"zero is the default", []string{"analyze", model, "--max-elements", "0", "-o", out}, exitOK, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(out)
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			if _, err := os.Stat(out); (err == nil) != tc.written {
				t.Errorf("output written: %v, want %v", err == nil, tc.written)
			}
		})
	}
}

func TestFitFirstColumn(t *testing.T) {
	rows := [][]string{
		{"MODEL", "THREATS", "OPEN"},
		{"/work/services/payments/rampart.yaml", "12", "3"},
		{"a.yaml", "1", "1"},
	}
	fitFirstColumn(rows, 40, 2)
	// THREATS (7) and OPEN (4), each with its gap, leave 25 columns.
	if !strings.HasPrefix(rows[1][0], "…") || !strings.HasSuffix(rows[1][0], "/payments/rampart.yaml") || len([]rune(rows[1][0])) != 25 {
		t.Errorf("long path shortened to %q, want 25 columns ending in the file name", rows[1][0])
	}
	if rows[2][0] != "a.yaml" || rows[0][0] != "MODEL" {
		t.Errorf("short cells changed: %q, %q", rows[0][0], rows[2][0])
	}
}
