package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func examplePath(name string) string { return filepath.Join("..", "..", "examples", name) }

func TestValidateExitCodes(t *testing.T) {
	invalid := filepath.Join("..", "..", "internal", "model", "testdata", "invalid", "dangling-flow-endpoints.yaml")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // text expected on stdout
		stderr string // text expected on stderr
	}{
		{"valid example", []string{"validate", examplePath("online-shop.yaml")}, exitOK, "online-shop.yaml: ok", ""},
		{"several valid", []string{"validate", examplePath("hr-saas.yaml"), examplePath("iot-telemetry/rampart.yaml")}, exitOK, "rampart.yaml: ok", ""},
		{"invalid model", []string{"validate", invalid}, exitFindings, "unknown component 'wbe' (did you mean 'web'?)", ""},
		{"one invalid among valid", []string{"validate", examplePath("online-shop.yaml"), invalid}, exitFindings, "4 problem(s)", ""},
		{"missing file", []string{"validate", "does-not-exist.yaml"}, exitUsage, "", "does-not-exist.yaml"},
		{"no arguments and no rampart.yaml", []string{"validate"}, exitUsage, "", "no model named and no rampart.yaml here"},
		{"bad format", []string{"validate", "--format", "xml", examplePath("online-shop.yaml")}, exitUsage, "", `--format "xml": want one of text, json`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	invalid := filepath.Join("..", "..", "internal", "model", "testdata", "invalid", "two-boundaries.yaml")
	for _, tc := range []struct {
		path     string
		code     int
		valid    bool
		problems int
	}{
		{examplePath("online-shop.yaml"), exitOK, true, 0},
		{invalid, exitFindings, false, 2},
	} {
		code, stdout, stderr := runIn(t, "", "validate", "--format", "json", tc.path)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d (%s)", tc.path, code, tc.code, stderr)
		}
		var got struct {
			Valid    bool `json:"valid"`
			Problems []struct {
				Pos struct {
					File   string `json:"file"`
					Line   int    `json:"line"`
					Column int    `json:"column"`
				} `json:"pos"`
				Path    string `json:"path"`
				Message string `json:"message"`
				Hint    string `json:"hint"`
			} `json:"problems"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%s: output is not JSON: %v\n%s", tc.path, err, stdout)
		}
		if got.Valid != tc.valid || len(got.Problems) != tc.problems {
			t.Errorf("%s: valid %v with %d problems, want %v with %d", tc.path, got.Valid, len(got.Problems), tc.valid, tc.problems)
		}
		for _, p := range got.Problems {
			if p.Pos.File == "" || p.Pos.Line == 0 || p.Pos.Column == 0 || p.Path == "" || p.Message == "" || p.Hint == "" {
				t.Errorf("incomplete problem: %+v", p)
			}
		}
	}
}

func TestValidateWarningsFlag(t *testing.T) {
	path := writeModelFile(t, `rampart: 1
system: {id: s, name: S}
data:
  - {id: unused, classification: internal}
components:
  - {id: a, type: api}
`)
	code, stdout, _ := runIn(t, "", "validate", path)
	if code != exitOK || strings.Contains(stdout, "warning") {
		t.Errorf("without -w: exit %d, output %q; want ok without warnings", code, stdout)
	}
	code, stdout, _ = runIn(t, "", "validate", "-w", path)
	if code != exitOK || !strings.Contains(stdout, "warning: data[0].id: data asset 'unused'") {
		t.Errorf("with -w: exit %d, output %q; want the warning and exit 0", code, stdout)
	}
}
