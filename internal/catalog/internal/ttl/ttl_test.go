package ttl

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/testfixtures"
)

func TestParse(t *testing.T) {
	src := `@prefix : <http://x#> .
# a comment
:MFA a owl:Class, owl:NamedIndividual ;
    rdfs:label "Multi-factor \"Auth\"" ;
    rdfs:subClassOf :CredentialHardening,
        [ a owl:Restriction ; owl:onProperty :uses ; owl:someValuesFrom :Credential ] ;
    :d3fend-id "D3-MFA" ;
    :kb-article """## How
it works""" ;
    :n 3 ;
    :list ( :a :b ) .
:T1059.007 :attack-id "T1059.007"^^xsd:string .
`
	got, err := Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, tr := range got {
		lines = append(lines, tr.Subject+" "+tr.Predicate+" "+tr.Object)
	}
	want := strings.Join([]string{
		":MFA rdf:type owl:Class",
		":MFA rdf:type owl:NamedIndividual",
		`:MFA rdfs:label Multi-factor "Auth"`,
		":MFA rdfs:subClassOf :CredentialHardening",
		"_:b1 rdf:type owl:Restriction",
		"_:b1 owl:onProperty :uses",
		"_:b1 owl:someValuesFrom :Credential",
		":MFA rdfs:subClassOf _:b1",
		":MFA :d3fend-id D3-MFA",
		":MFA :kb-article ## How\nit works",
		":MFA :n 3",
		"_:b2 rdf:member :a",
		"_:b2 rdf:member :b",
		":MFA :list _:b2",
		":T1059.007 :attack-id T1059.007",
	}, "\n")
	if g := strings.Join(lines, "\n"); g != want {
		t.Errorf("triples:\n%s\nwant:\n%s", g, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{":a :b \"open", "1:7: unclosed string"},
		{":a :b <x", "1:7: unclosed IRI"},
		{":a :b :c", "expected '.'"},
		{":a :b :c ;\n; ]", "2:3: expected a predicate"},
		{":a :b :c ; ; .", ""},
		{":a :b ( :c", "unclosed collection"},
	}
	for _, tt := range tests {
		_, err := Parse(context.Background(), []byte(tt.src))
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want %q", tt.src, err, tt.want)
		}
	}
}

func TestParseD3FEND(t *testing.T) {
	data, err := os.ReadFile(testfixtures.Path(t, "mitre/d3fend-protege.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, tr := range got {
		if tr.Predicate == ":d3fend-id" && tr.Literal {
			ids[tr.Object] = true
		}
	}
	// The fixture's README counts 250 D3- and 194 D3A- ids.
	if len(ids) != 444 {
		t.Errorf("%d distinct d3fend ids, want 444", len(ids))
	}
}
