package cwexml

import (
	"context"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

const sample = `<?xml version="1.0" encoding="UTF-8"?>
<Weakness_Catalog Name="CWE" Version="9.9" Date="2030-01-02" xmlns="http://cwe.mitre.org/cwe-7">
 <Weaknesses>
  <Weakness ID="89" Name="SQL Injection &apos;x&apos;" Abstraction="Base"><Description>d</Description>
   <Related_Weaknesses><Related_Weakness Nature="ChildOf" CWE_ID="74"/></Related_Weaknesses>
   <Mapping_Notes><Usage>Allowed</Usage><Rationale>r</Rationale></Mapping_Notes></Weakness>
  <Weakness ID="79" Name="XSS"/>
 </Weaknesses>
 <Categories><Category ID="1211" Name="Authentication Errors"><Mapping_Notes><Usage>Prohibited</Usage></Mapping_Notes></Category></Categories>
 <Views><View ID="1000" Name="Research Concepts"/></Views>
 <External_References><External_Reference Reference_ID="REF-1"><Title>t</Title></External_Reference></External_References>
</Weakness_Catalog>`

func TestParse(t *testing.T) {
	cat, err := Parse(context.Background(), strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{{79, "XSS", "weakness", ""}, {89, "SQL Injection 'x'", "weakness", "Allowed"},
		{1000, "Research Concepts", "view", ""}, {1211, "Authentication Errors", "category", "Prohibited"}}
	if len(cat.Entries) != len(want) {
		t.Fatalf("got %d entries %v, want %v", len(cat.Entries), cat.Entries, want)
	}
	for i := range want {
		if cat.Entries[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, cat.Entries[i], want[i])
		}
	}
	if cat.Version != "9.9" || cat.Date != "2030-01-02" {
		t.Errorf("release = %q %q", cat.Version, cat.Date)
	}
	src, err := Render(cat, "catalog")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, 0); err != nil {
		t.Fatalf("generated source does not parse: %v\n%s", err, src)
	}
	for _, s := range []string{`89:   "SQL Injection 'x'",`, `cweViews      = map[int]bool{1000: true}`, `const CWEVersion = "9.9"`} {
		if !strings.Contains(string(src), s) {
			t.Errorf("generated source lacks %q:\n%s", s, src)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"not CWE", `<catalog/>`, "expected <Weakness_Catalog>"},
		{"empty", `<Weakness_Catalog Version="1"></Weakness_Catalog>`, "no weaknesses"},
		{"bad id", `<Weakness_Catalog><Weaknesses><Weakness ID="x1" Name="n"/></Weaknesses></Weakness_Catalog>`, `ID "x1"`},
		{"duplicate", `<Weakness_Catalog><Weaknesses><Weakness ID="1" Name="a"/><Weakness ID="1" Name="b"/></Weaknesses></Weakness_Catalog>`, "CWE-1 appears twice"},
		{"truncated", `<Weakness_Catalog><Weaknesses><Weakness ID="1" Name="a">`, "line"},
		{"no xml", ``, "no <Weakness_Catalog>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), strings.NewReader(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, strings.NewReader(sample)); err == nil {
		t.Error("Parse with a cancelled context succeeded")
	}
}
