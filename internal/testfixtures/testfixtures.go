// Package testfixtures finds, for tests, the sample files of other tools
// (Threagile, Threat Dragon, OTM, Threat Composer, MITRE catalogs, Sigma)
// that live in shared/fixtures beside the repository, never inside it.
package testfixtures

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of rel (a file or directory) under shared/fixtures,
// found by walking up from the working directory to the repository root
// (the directory holding go.mod) and looking beside it. When it is absent
// the test is skipped, except in CI (CI=true), where that is a failure.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("repository root (go.mod) not found above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "fixtures", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fixture %s is required in CI: %v", p, err)
		}
		t.Skipf("fixture %s not present (the shared fixtures sit beside the repository): %v", p, err)
	}
	return p
}
