package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportCommand(t *testing.T) {
	example := threagileFixture(t, "threagile-example-model.yaml")
	dir := t.TempDir()
	imported := filepath.Join(dir, "rampart.yaml")
	if code, _, stderr := runIn(t, "", "import", example, "-o", imported); code != exitOK {
		t.Fatalf("import failed: %s", stderr)
	}
	invalid := filepath.Join(dir, "invalid.yaml")
	if err := os.WriteFile(invalid, []byte("rampart: 1\nsystem: {id: s, name: S}\nflows:\n  - {id: f, from: a, to: b, protocol: https}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join(dir, "unknown.json")
	if err := os.WriteFile(unknown, []byte(`{"foo": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "threagile.yaml")
	otmOut := filepath.Join(dir, "example.otm.json")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"rampart model to file", []string{"export", "--to", "threagile", imported, "-o", out}, exitOK, "", "wrote " + out},
		{"threagile model straight through", []string{"export", "--to", "threagile", example}, exitOK, "threagile_version: 1.0.0", "threats Rampart identified are not written"},
		{"risk tracking carried", []string{"export", "--to", "threagile", imported}, exitOK, "untrusted-deserialization@erp-system:", ""},
		{"import warnings shown", []string{"export", "--to", "otm", example, "-o", otmOut}, exitOK, "",
			"risk_tracking key 'untrusted-deserialization@erp-system' becomes the treatment of"},
		{"no format fits", []string{"export", "--to", "otm", unknown}, exitFindings, "",
			"fits none of the other formats: otm: no top-level otmVersion key; threagile: no top-level threagile_version key"},
		{"missing --to", []string{"export", imported}, exitUsage, "", "--to is required"},
		{"unknown --to", []string{"export", "--to", "visio", imported}, exitUsage, "", "unknown format"},
		{"invalid model", []string{"export", "--to", "threagile", invalid}, exitFindings, "", "unknown component 'a'"},
		{"missing model", []string{"export", "--to", "threagile", filepath.Join(dir, "nope.yaml")}, exitUsage, "", "nope.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %.500s\nstderr: %.1000s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%.1000s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%.1000s", tc.stderr, stderr)
			}
		})
	}
	// The exported file imports back to the same model.
	again := filepath.Join(dir, "again.yaml")
	if code, _, stderr := runIn(t, "", "import", out, "-o", again); code != exitOK {
		t.Fatalf("re-import failed: %s", stderr)
	}
	a, _ := os.ReadFile(imported)
	b, _ := os.ReadFile(again)
	if body(a) != body(b) {
		t.Errorf("import -> export -> import changed the model")
	}
}

// body drops a written model's header comment, which names the source file.
func body(data []byte) string {
	s := string(data)
	if i := strings.Index(s, "\nrampart: 1"); i >= 0 {
		return s[i:]
	}
	return s
}
