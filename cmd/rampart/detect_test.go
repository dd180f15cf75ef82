package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	detectRules = "testdata/detect/rules"
	detectModel = "../../examples/back-office.yaml"
	clearedLog  = `{"Channel":"Security","EventID":1102,"Hostname":"WORKSTATION5","TimeCreated":"2020-10-23T02:36:40.671Z"}`
	otherEvent  = `{"Channel":"Security","EventID":4624,"Hostname":"WORKSTATION5"}`
)

func TestDetect(t *testing.T) {
	stdin := strings.Join([]string{clearedLog, "not json", `{"a":` + strings.Repeat("[", 100), otherEvent, `[1]`, ""}, "\n")
	code, out, errOut := runIn(t, stdin, "detect", "--rules", detectRules, "--model", detectModel)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (alerts); stderr:\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d alerts, want 1:\n%s", len(lines), out)
	}
	var a struct {
		RuleID, Title, Level, Kind, Time, Source string
		Attack                                   []string
		Matched                                  []struct {
			Field  string
			Values []string
		}
		Event      map[string]any
		Components []string
		Threats    []string
	}
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if a.Title != "Security Event Log Cleared" || a.Level != "high" || a.Kind != "detection" || a.Source != "stdin:1" ||
		strings.Join(a.Attack, ",") != "T1070.001" || a.Time != "2020-10-23T02:36:40.671Z" || a.Event["EventID"] != float64(1102) {
		t.Errorf("alert %+v", a)
	}
	if len(a.Matched) != 1 || a.Matched[0].Field != "EventID" || a.Matched[0].Values[0] != "1102" {
		t.Errorf("matched %+v", a.Matched)
	}
	// The host belongs to payroll-app; no threat modelled on it is about
	// removing indicators (T1070), so the alert names no threat.
	if strings.Join(a.Components, ",") != "payroll-app" || len(a.Threats) != 0 {
		t.Errorf("components %v, threats %v", a.Components, a.Threats)
	}
	for _, want := range []string{"2 events, 1 alerts, 3 malformed lines", "not JSON: 1", "nested too deeply: 1", "not a JSON object: 1",
		"rule invalid", `unknown modifier "endwith"`, "rule unsupported", "event_count", "2 loaded (2 files ok, 1 unsupported, 1 invalid)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestDetectExitCodes(t *testing.T) {
	events := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(events, []byte(otherEvent+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"no alerts", []string{"detect", "--rules", detectRules, events}, exitOK},
		{"no rules flag", []string{"detect", events}, exitUsage},
		{"unreadable events", []string{"detect", "--rules", detectRules, "no-such-file.jsonl"}, exitUsage},
		{"unreadable rules", []string{"detect", "--rules", "no-such-dir", events}, exitUsage},
		{"unknown pipeline", []string{"detect", "--rules", detectRules, "--pipeline", "no-such-pipeline", events}, exitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, _, errOut := runIn(t, "", c.args...); code != c.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.want, errOut)
			}
		})
	}
}

func TestDetectValidate(t *testing.T) {
	code, out, _ := runIn(t, "", "detect", "validate", detectRules)
	if code != exitFindings {
		t.Errorf("exit %d, want 1 (an invalid rule)", code)
	}
	for _, want := range []string{"ok           testdata/detect/rules/audit_log_cleared.yml", "invalid      testdata/detect/rules/broken.yml",
		"broken.yml:6:9: detection.selection.Image|endwith: unknown modifier", "unsupported  testdata/detect/rules/old_count.yml",
		"4 files: 2 ok, 1 unsupported, 1 invalid"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runIn(t, "", "detect", "validate", "--format", "json", detectRules)
	var v struct {
		Counts map[string]int
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitFindings || v.Counts["ok"] != 2 || v.Counts["invalid"] != 1 || v.Counts["unsupported"] != 1 {
		t.Errorf("json: exit %d, %v, %v", code, v, err)
	}
}

func TestCoverage(t *testing.T) {
	layer := filepath.Join(t.TempDir(), "layer.json")
	code, out, errOut := runIn(t, "", "coverage", detectModel, "--rules", detectRules, "--format", "json", "--navigator", layer)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (threats without rules); stderr:\n%s", code, errOut)
	}
	var cov struct {
		Threats []struct {
			ID    string
			Rules []struct{ Title string }
		}
		Uncovered    []string
		NoTechniques []string `json:"no_techniques"`
	}
	if err := json.Unmarshal([]byte(out), &cov); err != nil {
		t.Fatal(err)
	}
	covered := map[string]int{}
	for _, th := range cov.Threats {
		covered[th.ID] = len(th.Rules)
	}
	// The failed-logon rule (T1110.001) covers the brute-force technique
	// (T1110) of the admin interface without MFA.
	if covered["admin-interface-without-mfa@payroll-app"] != 1 || covered["missing-waf@payroll-app"] != 0 {
		t.Errorf("coverage %v", covered)
	}
	if !strings.Contains(strings.Join(cov.Uncovered, ","), "missing-waf@payroll-app") || !strings.Contains(strings.Join(cov.NoTechniques, ","), "cross-site-request-forgery@clerk-to-app") {
		t.Errorf("uncovered %v, without techniques %v", cov.Uncovered, cov.NoTechniques)
	}
	data, err := os.ReadFile(layer)
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		Domain     string
		Techniques []struct {
			TechniqueID string
			Score       int
			Color       string
		}
	}
	if err := json.Unmarshal(data, &l); err != nil || l.Domain != "enterprise-attack" {
		t.Fatalf("layer: %v %s", err, data)
	}
	colors := map[string]string{}
	for _, te := range l.Techniques {
		colors[te.TechniqueID] = te.Color
	}
	if colors["T1110"] != "#66bb6a" || colors["T1190"] != "#ef5350" {
		t.Errorf("layer colours %v", colors)
	}
	for _, f := range []string{"table", "markdown"} {
		code, out, _ := runIn(t, "", "coverage", detectModel, "--rules", detectRules, "-f", f)
		if code != exitFindings || !strings.Contains(out, "missing-waf@payroll-app") {
			t.Errorf("%s: exit %d:\n%s", f, code, out)
		}
	}
}
