package threagile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
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
	_, _, problems, err := ImportMapping(context.Background(), root, data, formats.Options{MaxIncludes: 4})
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

// TestIncludeRootWidens checks that an include beside the model's tree is
// refused through the registered importer with the zero options, and read
// when the options name a root holding it, as --include-root does.
func TestIncludeRootWidens(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "model")
	shared := filepath.Join(base, "shared")
	for _, d := range []string{dir, shared} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inc := "data_assets:\n  customer-data:\n    id: customer-data\n    description: Customers\n    usage: business\n" +
		"    quantity: many\n    confidentiality: confidential\n    integrity: important\n    availability: operational\n" +
		"    justification_cia_rating: shared\n"
	if err := os.WriteFile(filepath.Join(shared, "data.yaml"), []byte(inc), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "threagile.yaml")
	data := []byte("threagile_version: 1.0.0\ntitle: T\nincludes:\n  - ../shared/data.yaml\n")
	f, err := formats.Lookup("threagile")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		opts    formats.Options
		refused bool
	}{
		{"default", formats.Options{}, true},
		{"include root beside the model", formats.Options{IncludeRoot: shared}, false},
		{"include root above the model", formats.Options{IncludeRoot: base}, false},
		{"include root elsewhere", formats.Options{IncludeRoot: t.TempDir()}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, problems, err := f.Import(context.Background(), root, data, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			refused := strings.Contains(problems.Error(), "is outside the model's directory tree")
			if refused != c.refused {
				t.Fatalf("refused = %v, want %v:\n%s", refused, c.refused, problems.Error())
			}
			if !c.refused && (m == nil || len(m.Data) != 1 || m.Data[0].ID != "customer-data") {
				t.Errorf("the included data asset was not imported: %+v\n%s", m, problems.Error())
			}
		})
	}
}
