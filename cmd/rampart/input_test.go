//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestModelInput covers how commands read models: '-' for standard input,
// the file size limit and its flag, non-regular files, and the include
// root.
func TestModelInput(t *testing.T) {
	example, err := os.ReadFile(examplePath("online-shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(dir, "shared")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, "more.yaml"), []byte("components:\n  - {id: extra, type: api}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := filepath.Join(dir, "svc")
	if err := os.MkdirAll(svc, 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(svc, "rampart.yaml")
	if err := os.WriteFile(root, []byte("rampart: 1\nsystem: {id: s, name: S}\nincludes: [../shared/more.yaml]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A Threagile model whose include lies beside its tree: --include-root
	// reaches the importer as it reaches the Rampart loader.
	threagileData := "data_assets:\n  customers:\n    id: customers\n    usage: business\n    quantity: many\n" +
		"    confidentiality: confidential\n    integrity: important\n    availability: operational\n"
	if err := os.WriteFile(filepath.Join(shared, "data.yaml"), []byte(threagileData), 0o600); err != nil {
		t.Fatal(err)
	}
	tg := filepath.Join(svc, "threagile.yaml")
	if err := os.WriteFile(tg, []byte("threagile_version: 1.0.0\ntitle: T\nincludes: [../shared/data.yaml]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"stdin", string(example), []string{"validate", "-"}, exitOK, "<stdin>: ok", ""},
		{"stdin with a problem", "rampart: 1\nsystem: {id: s, name: S, colour: red}\n", []string{"validate", "-"}, exitFindings, "<stdin>:2:26: system.colour: unknown key 'colour'", ""},
		{"over the size limit", "", []string{"validate", "--max-file-size", "1KiB", examplePath("online-shop.yaml")}, exitFindings,
			"file is larger than the 1024-byte file size limit (split the model with includes, or raise the limit with --max-file-size)", ""},
		{"limit raised", "", []string{"validate", "--max-file-size", "64MiB", examplePath("online-shop.yaml")}, exitOK, "ok", ""},
		{"bad size", "", []string{"validate", "--max-file-size", "lots", examplePath("online-shop.yaml")}, exitUsage, "", "is not a size"},
		{"FIFO", "", []string{"validate", fifo}, exitUsage, "", "a named pipe (FIFO)"},
		{"/dev/zero", "", []string{"validate", "/dev/zero"}, exitUsage, "", "a character device"},
		{"include outside the tree", "", []string{"validate", root}, exitFindings, "is outside the model's directory tree", ""},
		{"include root widened", "", []string{"validate", "--include-root", shared, root}, exitOK, "rampart.yaml: ok", ""},
		{"Threagile include outside the tree", "", []string{"import", tg}, exitFindings, "", "is outside the model's directory tree"},
		{"Threagile include root widened", "", []string{"import", "--include-root", shared, tg}, exitOK, "id: customers", "shared/data.yaml:2:3"},
		{"Threagile include root on validate", "", []string{"validate", "--include-root", shared, tg}, exitOK, "threagile.yaml: ok", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, stdout, stderr := runIn(t, tc.stdin, tc.args...)
				done <- result{code, stdout, stderr}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("the command blocked")
			}
			if r.code != tc.code || !strings.Contains(r.stdout, tc.stdout) || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stdout %q, stderr %q", r.code, tc.code, r.stdout, r.stderr, tc.stdout, tc.stderr)
			}
		})
	}
}
