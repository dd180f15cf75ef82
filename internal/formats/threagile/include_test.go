package threagile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIncludesConfined checks that a Threagile model's includes stay in its
// directory tree, and that failed includes count against the file limit.
func TestIncludesConfined(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "model")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(base, "secret.yaml")
	if err := os.WriteFile(secret, []byte("password: hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "threagile.yaml")
	data := []byte("threagile_version: 1.0.0\ntitle: T\nincludes:\n  - ../secret.yaml\n  - " + secret + "\n  - missing-1.yaml\n  - missing-2.yaml\n")
	_, _, problems, err := (&Importer{MaxIncludes: 4}).Import(context.Background(), root, data)
	if err != nil {
		t.Fatal(err)
	}
	all := problems.Error()
	if strings.Contains(all, "hunter2") {
		t.Errorf("a problem quotes the file outside the tree:\n%s", all)
	}
	if n := strings.Count(all, "is outside the model's directory tree"); n != 2 {
		t.Errorf("%d includes refused as outside the tree, want 2:\n%s", n, all)
	}
	// The root and three includes tried make four files: the last include
	// passes the limit.
	if !strings.Contains(all, "includes[3]: more than 4 model files") || strings.Count(all, "cannot read include") != 1 {
		t.Errorf("failed includes not counted against the limit:\n%s", all)
	}
}
