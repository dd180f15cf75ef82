package main

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCIRunsTheREADMETestCommand: .ci/run runs exactly the test command
// the README gives, so that what contributors run is what CI runs.
func TestCIRunsTheREADMETestCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "Run the tests:\n\n```sh\n")
	if !ok {
		t.Fatal("the README has no 'Run the tests:' block")
	}
	command, _, _ := strings.Cut(after, "\n")
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(ci), "\n")
	if lines[len(lines)-2] != command {
		t.Errorf(".ci/run ends with %q, want the README's test command %q", lines[len(lines)-2], command)
	}
}

// TestActionDefinition checks the GitHub Action runs the released binary's
// analyze (SARIF, uploaded) and check, with inputs passed through the
// environment rather than pasted into shell code.
func TestActionDefinition(t *testing.T) {
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if action.Runs.Using != "composite" || action.Inputs["model"].Default != "rampart.yaml" {
		t.Errorf("action: using %q, model default %q", action.Runs.Using, action.Inputs["model"].Default)
	}
	var runs, uses []string
	for _, s := range action.Runs.Steps {
		if strings.Contains(s.Run, "${{") {
			t.Errorf("a step pastes an expression into shell code: %q", s.Run)
		}
		runs = append(runs, s.Run)
		uses = append(uses, s.Uses)
	}
	all := strings.Join(runs, "\n")
	for _, want := range []string{"gh release download", "sha256sum -c", `rampart analyze "$MODEL" -f sarif`, `rampart check "$MODEL"`} {
		if !strings.Contains(all, want) {
			t.Errorf("the action does not run %q", want)
		}
	}
	if !strings.Contains(strings.Join(uses, " "), "github/codeql-action/upload-sarif") {
		t.Error("the action does not upload the SARIF file")
	}
}

// TestContainerImage checks the image runs the static binary as a non-root
// user on a distroless base.
func TestContainerImage(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var from, user string
	static := false
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 1 && f[0] == "FROM":
			from = f[1]
		case len(f) > 1 && f[0] == "USER":
			user = f[1]
		case strings.Contains(line, "CGO_ENABLED=0"):
			static = true
		}
	}
	if !strings.HasPrefix(from, "gcr.io/distroless/static") || user == "" || strings.HasPrefix(user, "0") || user == "root" || !static {
		t.Errorf("final image FROM %q USER %q, static build %v", from, user, static)
	}
}
