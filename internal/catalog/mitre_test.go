package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog/internal/mitredata"
	"github.com/rampart-sec/rampart/internal/catalog/internal/mitregen"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// TestMITREUpToDate regenerates the MITRE catalog from the fixture releases
// in memory (with the arguments of the go:generate line) and compares it
// with the embedded mitre_gen.json.
func TestMITREUpToDate(t *testing.T) {
	read := func(rel string) mitregen.Source {
		path := testfixtures.Path(t, "mitre/"+rel)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return mitregen.Source{Name: path, Data: data}
	}
	in := mitregen.Inputs{
		Enterprise: read("enterprise-attack.json"), EnterpriseVersion: "18.1",
		ICS: read("ics-attack.json"), CAPEC: read("stix-capec.json"),
		D3FEND: read("d3fend-protege.ttl"), D3FENDVersion: "1.2.0",
	}
	c, err := mitregen.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := mitregen.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mitreJSON, want) {
		t.Error("mitre_gen.json is out of date with the MITRE fixtures: run 'go generate ./internal/catalog'")
	}
}

func TestSources(t *testing.T) {
	got := Sources()
	names := make([]string, len(got))
	for i, s := range got {
		names[i] = s.Name
		if s.Version == "" {
			t.Errorf("%s has no version", s.Name)
		}
	}
	if !slices.Equal(names, []string{"ATT&CK Enterprise", "ATT&CK ICS", "CAPEC", "D3FEND", "CWE", "ATLAS"}) {
		t.Errorf("sources %v", names)
	}
}

func TestNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{TechniqueName("T1059.007"), "Command and Scripting Interpreter: JavaScript"},
		{TechniqueName("T1190"), "Exploit Public-Facing Application"},
		{TechniqueName("T0866"), "Exploitation of Remote Services"},
		{TechniqueName("T9999"), ""},
		{CAPECName(66), "SQL Injection"},
		{CAPECName(0), ""},
		{MitigationName("M1032"), "Multi-factor Authentication"},
		{MitigationName("T1078"), ""},
		{D3FENDName("D3-MFA"), "Multi-factor Authentication"},
		{D3FENDName("D3A-MPC"), ""},
		{TechniqueName("AML.T0051"), "LLM Prompt Injection"},
		{TechniqueName("AML.T0051.001"), "LLM Prompt Injection: Indirect"},
		{TechniqueName("AML.T9999"), ""},
		{MitigationName("AML.M0015"), "Adversarial Input Detection"},
		{MitigationName("AML.M9999"), ""},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func refIDs(refs []Ref) []string {
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.ID
		if r.Name == "" {
			ids[i] += "(no name)"
		}
	}
	return ids
}

func TestLookupTechnique(t *testing.T) {
	tech, ok := LookupTechnique("T1078")
	if !ok {
		t.Fatal("T1078 not found")
	}
	if tech.Domain != "enterprise" || !slices.Contains(refIDs(tech.Tactics), "TA0001") ||
		!slices.Contains(refIDs(tech.Mitigations), "M1032") || !slices.Contains(refIDs(tech.D3FEND), "D3-MFA") ||
		!slices.Contains(refIDs(tech.CAPEC), "CAPEC-560") || !slices.Contains(refIDs(tech.CWE), "CWE-308") {
		t.Errorf("T1078 = %+v", tech)
	}
	// A sub-technique gets its parent's CAPEC patterns.
	sub, _ := LookupTechnique("T1078.004")
	if !slices.Contains(refIDs(sub.CAPEC), "CAPEC-560") {
		t.Errorf("T1078.004 CAPEC %v", refIDs(sub.CAPEC))
	}
	ics, ok := LookupTechnique("T0866")
	if !ok || ics.Domain != "ics" || len(ics.Tactics) == 0 || ics.Tactics[0].Name == "" {
		t.Errorf("T0866 = %+v", ics)
	}
	if _, ok := LookupTechnique("T1078.999"); ok {
		t.Error("an unknown technique was found")
	}
}

func TestLookupCAPECAndCWE(t *testing.T) {
	p, ok := LookupCAPEC(66)
	if !ok || p.ID != "CAPEC-66" || !slices.Contains(refIDs(p.CWE), "CWE-89") {
		t.Errorf("CAPEC-66 = %+v", p)
	}
	w, ok := LookupCWE(89)
	if !ok || w.Kind != "weakness" || !slices.Contains(refIDs(w.CAPEC), "CAPEC-66") {
		t.Errorf("CWE-89 = %+v", w)
	}
	if _, ok := LookupCAPEC(99999); ok {
		t.Error("an unknown CAPEC id was found")
	}
	if _, ok := LookupCWE(0); ok {
		t.Error("CWE-0 was found")
	}
}

func TestSearch(t *testing.T) {
	tests := []struct {
		text      string
		first     Entry
		wantMatch bool
	}{
		{"T1190", Entry{"T1190", "technique", "Exploit Public-Facing Application"}, true},
		{"multi-factor authentication", Entry{"M0932", "mitigation", "Multi-factor Authentication"}, true}, // ICS before Enterprise, by id
		{"sql INJECTION", Entry{"CAPEC-66", "capec", "SQL Injection"}, true},
		{"initial access", Entry{"TA0001", "tactic", "Initial Access"}, true},
		{"no such thing at all", Entry{}, false},
		{"   ", Entry{}, false},
	}
	for _, tt := range tests {
		got := Search(tt.text)
		if !tt.wantMatch {
			if len(got) != 0 {
				t.Errorf("Search(%q) = %v, want nothing", tt.text, got)
			}
			continue
		}
		if len(got) == 0 || got[0] != tt.first {
			t.Errorf("Search(%q) first = %v, want %v", tt.text, got[:min(len(got), 3)], tt.first)
		}
	}
}

// BenchmarkDecodeMITRE measures the one-time decoding of the embedded
// catalog that the first lookup pays.
func BenchmarkDecodeMITRE(b *testing.B) {
	for b.Loop() {
		var c mitredata.Catalog
		if err := json.Unmarshal(mitreJSON, &c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestControlD3FENDResolves: every control's D3FEND technique is in the
// embedded catalog, so that its name is shown wherever it is listed.
func TestControlD3FENDResolves(t *testing.T) {
	for _, c := range Controls() {
		if c.D3FEND != "" && D3FENDName(c.D3FEND) == "" {
			t.Errorf("control %s names D3FEND %s, which the catalog does not hold", c.ID, c.D3FEND)
		}
	}
}
