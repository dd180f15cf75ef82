package catalog

import (
	"os"
	"path/filepath"
	"testing"
)

// fixture returns the path of a shared fixture file (../shared/fixtures next
// to the repository root). It skips the test when the fixtures are absent,
// except in CI (CI=true), where their absence fails the test.
func fixture(t *testing.T, rel string) string {
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
		t.Skipf("fixture %s not present (shared fixtures are not checked out): %v", p, err)
	}
	return p
}
