package catalog

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog/internal/cwexml"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// TestCWENamesUpToDate regenerates the CWE table from the fixture catalog in
// memory and compares it with the checked-in cwe_names_gen.go.
func TestCWENamesUpToDate(t *testing.T) {
	path := testfixtures.Path(t, "mitre/cwec_v4.15.xml")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cat, err := cwexml.Parse(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cwexml.Render(cat, "catalog")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("cwe_names_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("cwe_names_gen.go is out of date with %s: run 'go generate ./internal/catalog'", path)
	}
	if len(cat.Entries) != len(cweNames) {
		t.Errorf("catalog has %d entries, table has %d", len(cat.Entries), len(cweNames))
	}
}

func TestCWEName(t *testing.T) {
	tests := []struct {
		id         int
		name, kind string
	}{
		{79, "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')", "weakness"},
		{89, "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')", "weakness"},
		{306, "Missing Authentication for Critical Function", "weakness"},
		{1000, "Research Concepts", "view"},
		{1211, "Authentication Errors", "category"},
		{0, "", ""},
		{999999, "", ""},
	}
	for _, tt := range tests {
		if got := CWEName(tt.id); got != tt.name {
			t.Errorf("CWEName(%d) = %q, want %q", tt.id, got, tt.name)
		}
		if got := CWEKind(tt.id); got != tt.kind {
			t.Errorf("CWEKind(%d) = %q, want %q", tt.id, got, tt.kind)
		}
	}
	if CWEVersion == "" || !strings.HasPrefix(CWEDate, "20") {
		t.Errorf("CWE release not recorded: version %q date %q", CWEVersion, CWEDate)
	}
}
