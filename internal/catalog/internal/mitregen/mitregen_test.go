package mitregen

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog/internal/mitredata"
)

const enterprise = `{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Credential Access", "x_mitre_shortname": "credential-access",
  "external_references": [{"source_name": "mitre-attack", "external_id": "TA0006"}]},
 {"type": "attack-pattern", "id": "attack-pattern--p", "name": "Unsecured Credentials",
  "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "credential-access"}],
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1552"}]},
 {"type": "attack-pattern", "id": "attack-pattern--s", "name": "Credentials In Files", "x_mitre_is_subtechnique": true,
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1552.001"}]},
 {"type": "course-of-action", "id": "course-of-action--m", "name": "Password Policies",
  "external_references": [{"source_name": "mitre-attack", "external_id": "M1027"}]},
 {"type": "course-of-action", "id": "course-of-action--old", "name": "Unsecured Credentials Mitigation",
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1552"}]},
 {"type": "relationship", "relationship_type": "mitigates", "source_ref": "course-of-action--m", "target_ref": "attack-pattern--s"},
 {"type": "relationship", "relationship_type": "mitigates", "source_ref": "course-of-action--old", "target_ref": "attack-pattern--p"}
]}`

const ics = `{"type": "bundle", "id": "bundle--2", "objects": [
 {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "ICS ATT&CK", "x_mitre_version": "18.1"},
 {"type": "attack-pattern", "id": "attack-pattern--i", "name": "Exploitation of Remote Services",
  "external_references": [{"source_name": "mitre-ics-attack", "external_id": "T0866"}]}
]}`

const capec = `{"type": "bundle", "objects": [
 {"type": "attack-pattern", "name": "Retrieve Embedded Sensitive Data", "x_capec_version": "3.9", "x_capec_status": "Draft",
  "external_references": [{"source_name": "capec", "external_id": "CAPEC-37"}, {"source_name": "cwe", "external_id": "CWE-798"},
   {"source_name": "cwe", "external_id": "CWE-312"}, {"source_name": "ATTACK", "external_id": "1552.001"}]},
 {"type": "attack-pattern", "name": "Old", "x_capec_version": "3.10", "x_capec_status": "Deprecated",
  "external_references": [{"source_name": "capec", "external_id": "CAPEC-2"}]}
]}`

const d3fend = `@prefix : <http://d3fend.mitre.org/ontologies/d3fend.owl#> .
:T1552.001 a owl:Class ; rdfs:label "Credentials In Files" ; rdfs:subClassOf :T1552 ;
    :attack-id "T1552.001" .
:T1552 a owl:Class ; rdfs:label "Unsecured Credentials" ;
    rdfs:subClassOf :CredentialAccessTechnique, [ a owl:Restriction ; owl:onProperty :accesses ; owl:someValuesFrom :Password ] ;
    :attack-id "T1552" .
:CredentialAccessTechnique rdfs:subClassOf [ owl:onProperty :may-access ; owl:someValuesFrom :DigitalArtifact ] .
:StrongPasswordPolicy a owl:Class ; rdfs:label "Strong Password Policy" ;
    rdfs:subClassOf :CredentialHardening, [ a owl:Restriction ; owl:onProperty :strengthens ; owl:someValuesFrom :Password ] ;
    :d3fend-id "D3-SPP" .
:CredentialHardening rdfs:subClassOf [ owl:onProperty :hardens ; owl:someValuesFrom :DigitalArtifact ] .
:FileAnalysis a owl:Class ; rdfs:label "File Analysis" ;
    rdfs:subClassOf [ owl:onProperty :analyzes ; owl:someValuesFrom :File ] ; :d3fend-id "D3-FA" .
:MPC :d3fend-id "D3A-MPC" ; rdfs:label "Multilayer Perceptron" .
`

func inputs() Inputs {
	return Inputs{
		Enterprise: Source{"enterprise.json", []byte(enterprise)}, EnterpriseVersion: "18.1",
		ICS: Source{"ics.json", []byte(ics)}, CAPEC: Source{"capec.json", []byte(capec)},
		D3FEND: Source{"d3fend.ttl", []byte(d3fend)}, D3FENDVersion: "1.2.0",
	}
}

func TestBuild(t *testing.T) {
	c, err := Build(context.Background(), inputs())
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	// Only M-ids are mitigations; the sub-technique inherits its parent's
	// Password link, so Strong Password Policy counters both; the generic
	// DigitalArtifact restrictions of named superclasses link nothing.
	want, _ := json.Marshal(&mitredata.Catalog{
		Sources: []mitredata.Source{{Name: "ATT&CK Enterprise", Version: "18.1"}, {Name: "ATT&CK ICS", Version: "18.1"}, {Name: "CAPEC", Version: "3.10"}, {Name: "D3FEND", Version: "1.2.0"}},
		Tactics: []mitredata.Tactic{{ID: "TA0006", Name: "Credential Access", Short: "credential-access", Domain: "enterprise"}},
		Techniques: []mitredata.Technique{
			{ID: "T0866", Name: "Exploitation of Remote Services"},
			{ID: "T1552", Name: "Unsecured Credentials", Tactics: []string{"credential-access"}, D3FEND: []string{"D3-SPP"}},
			{ID: "T1552.001", Name: "Credentials In Files", Mitigations: []string{"M1027"}, D3FEND: []string{"D3-SPP"}},
		},
		Mitigations: []mitredata.Named{{ID: "M1027", Name: "Password Policies"}},
		CAPEC: []mitredata.Pattern{
			{ID: 2, Name: "Old", Deprecated: true},
			{ID: 37, Name: "Retrieve Embedded Sensitive Data", CWE: []int{312, 798}, ATTACK: []string{"T1552.001"}},
		},
		D3FEND: []mitredata.Named{{ID: "D3-FA", Name: "File Analysis"}, {ID: "D3-SPP", Name: "Strong Password Policy"}},
	})
	if string(got) != string(want) {
		t.Errorf("catalog:\n%s\nwant:\n%s", got, want)
	}
	out, err := Render(c)
	if err != nil {
		t.Fatal(err)
	}
	var back mitredata.Catalog
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("rendered catalog is not JSON: %v\n%s", err, out)
	}
	if again, _ := json.Marshal(&back); string(again) != string(got) {
		t.Errorf("render round trip changed the catalog:\n%s", out)
	}
	if !strings.Contains(string(out), "\n{\"id\":\"T1552\",") {
		t.Errorf("entries are not one a line:\n%s", out)
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Inputs)
		want   string
	}{
		{"no D3FEND release", func(in *Inputs) { in.D3FENDVersion = "" }, "D3FEND release is not given"},
		{"no ATT&CK release", func(in *Inputs) { in.EnterpriseVersion = "" }, "enterprise.json: the ATT&CK Enterprise bundle does not say its release"},
		{"bad enterprise", func(in *Inputs) { in.Enterprise.Data = []byte("{") }, "enterprise.json: "},
		{"same technique twice", func(in *Inputs) { in.ICS.Data = []byte(strings.Replace(ics, "T0866", "T1552", 1)) }, "ics.json: technique T1552 is also in an earlier bundle"},
		{"bad CAPEC JSON", func(in *Inputs) { in.CAPEC.Data = []byte("[") }, "capec.json: decoding the STIX bundle"},
		{"not CAPEC", func(in *Inputs) { in.CAPEC.Data = []byte(`{"objects": []}`) }, "no attack patterns found"},
		{"CAPEC without id", func(in *Inputs) {
			in.CAPEC.Data = []byte(`{"objects": [{"type": "attack-pattern", "name": "X", "x_capec_version": "3.9"}]}`)
		}, `attack pattern "X" has no CAPEC id`},
		{"bad CWE ref", func(in *Inputs) { in.CAPEC.Data = []byte(strings.Replace(capec, "CWE-798", "CWE-x", 1)) }, `bad CWE id "CWE-x"`},
		{"bad Turtle", func(in *Inputs) { in.D3FEND.Data = []byte(":a :b \"open") }, "d3fend.ttl: 1:7: unclosed string"},
		{"not D3FEND", func(in *Inputs) { in.D3FEND.Data = []byte(":a :b :c .") }, "is this the D3FEND ontology?"},
		{"unnamed defence", func(in *Inputs) {
			in.D3FEND.Data = []byte(d3fend + ":X :d3fend-id \"D3-X\" .\n")
		}, "D3-X (:X) has no rdfs:label"},
		{"too large", func(in *Inputs) { in.CAPEC.Data = make([]byte, MaxInputSize+1) }, "capec.json: over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := inputs()
			tt.change(&in)
			if _, err := Build(context.Background(), in); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Build = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
