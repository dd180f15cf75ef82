package main

import (
	"os"
	"strings"
	"testing"
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
