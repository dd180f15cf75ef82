package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "cwe.xml")
	xml := `<Weakness_Catalog Version="1.0" Date="2020-01-01"><Weaknesses><Weakness ID="79" Name="XSS"/></Weaknesses></Weakness_Catalog>`
	if err := os.WriteFile(in, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "names.go")
	if err := run(context.Background(), in, out, "catalog"); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `79: "XSS",`) || !strings.HasPrefix(string(src), "// Code generated") {
		t.Errorf("generated file:\n%s", src)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := run(context.Background(), filepath.Join(dir, "missing.xml"), out, "catalog"); err == nil {
		t.Error("a missing input gave no error")
	}
	if err := os.WriteFile(in, []byte("<nope/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), in, out, "catalog"); err == nil || !strings.Contains(err.Error(), in) {
		t.Errorf("a bad input gave %v, want an error naming the file", err)
	}
	if got, _ := os.ReadFile(out); string(got) != string(src) {
		t.Error("a failed run changed the output file")
	}
}
