package attackstix

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/testfixtures"
)

func loadICS(t *testing.T) *Attack {
	t.Helper()
	f, err := os.Open(testfixtures.Path(t, "mitre/ics-attack.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := LoadSTIX(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestLoadSTIXICS(t *testing.T) {
	a := loadICS(t)
	if a.Name != "ICS ATT&CK" || a.Version == "" || !slices.Equal(a.Domains, []string{"ics-attack"}) {
		t.Errorf("collection = %q %q %v", a.Name, a.Version, a.Domains)
	}
	if len(a.Tactics) != 12 || a.Tactics[0].ID != "TA0108" || a.Tactics[0].ShortName != "initial-access" {
		t.Errorf("tactics (matrix order) = %+v", a.Tactics)
	}
	tests := []struct {
		id, name, tactic, mitigation string
	}{
		{"T0803", "Block Command Message", "inhibit-response-function", "M0810"},
		{"T0866", "Exploitation of Remote Services", "initial-access", "M0948"},
		{"T0886", "Remote Services", "lateral-movement", "M0930"},
	}
	for _, tt := range tests {
		tech, ok := a.Technique(tt.id)
		if !ok {
			t.Errorf("technique %s missing", tt.id)
			continue
		}
		if tech.Name != tt.name || a.TechniqueName(tt.id) != tt.name {
			t.Errorf("%s name = %q, want %q", tt.id, tech.Name, tt.name)
		}
		if !slices.ContainsFunc(tech.Tactics, func(s string) bool { return strings.HasPrefix(s, tt.tactic) }) {
			t.Errorf("%s tactics = %v, want one starting %q", tt.id, tech.Tactics, tt.tactic)
		}
		if !slices.Contains(tech.Mitigations, tt.mitigation) {
			t.Errorf("%s mitigations = %v, want %s among them", tt.id, tech.Mitigations, tt.mitigation)
		}
		if tech.URL != "https://attack.mitre.org/techniques/"+tt.id {
			t.Errorf("%s url = %q", tt.id, tech.URL)
		}
	}
	// The mitigates links are symmetric and point at known objects.
	links := 0
	for _, tech := range a.Techniques {
		for _, mid := range tech.Mitigations {
			m, ok := a.Mitigation(mid)
			if !ok || !slices.Contains(m.Techniques, tech.ID) {
				t.Errorf("%s -> %s not mirrored", tech.ID, mid)
			}
			links++
		}
	}
	if want := countMitigates(t); links != want {
		t.Errorf("%d technique-mitigation links, the bundle has %d between live objects", links, want)
	}
	if m, ok := a.Mitigation("M0948"); !ok || m.Name != "Application Isolation and Sandboxing" {
		t.Errorf("M0948 = %+v", m)
	}
	if !slices.IsSortedFunc(a.Techniques, func(x, y Technique) int { return strings.Compare(x.ID, y.ID) }) {
		t.Error("techniques not sorted by id")
	}
}

// countMitigates counts the bundle's mitigates relationships between
// objects that are not revoked, decoding the fixture independently.
func countMitigates(t *testing.T) int {
	data, err := os.ReadFile(testfixtures.Path(t, "mitre/ics-attack.json"))
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Objects []map[string]any
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	revoked := map[string]bool{}
	for _, o := range b.Objects {
		if r, _ := o["revoked"].(bool); r {
			revoked[o["id"].(string)] = true
		}
	}
	n := 0
	for _, o := range b.Objects {
		if o["relationship_type"] == "mitigates" && !revoked[o["source_ref"].(string)] && !revoked[o["target_ref"].(string)] {
			n++
		}
	}
	return n
}

const miniBundle = `{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Credential Access", "x_mitre_shortname": "credential-access",
  "external_references": [{"source_name": "mitre-attack", "external_id": "TA0006", "url": "https://attack.mitre.org/tactics/TA0006"}]},
 {"type": "attack-pattern", "id": "attack-pattern--p", "name": "Unsecured Credentials", "x_mitre_domains": ["enterprise-attack"],
  "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "credential-access"}],
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1552"}]},
 {"type": "attack-pattern", "id": "attack-pattern--s", "name": "Credentials In Files", "x_mitre_is_subtechnique": true,
  "external_references": [{"source_name": "mitre-attack", "external_id": "T1552.001"}]},
 {"type": "attack-pattern", "id": "attack-pattern--r", "name": "Old", "revoked": true,
  "external_references": [{"source_name": "mitre-attack", "external_id": "T9999"}]},
 {"type": "course-of-action", "id": "course-of-action--m", "name": "Password Policies",
  "external_references": [{"source_name": "mitre-attack", "external_id": "M1027"}]},
 {"type": "relationship", "relationship_type": "mitigates", "source_ref": "course-of-action--m", "target_ref": "attack-pattern--s"},
 {"type": "relationship", "relationship_type": "mitigates", "source_ref": "course-of-action--m", "target_ref": "attack-pattern--r"}
]}`

func TestLoadSTIX(t *testing.T) {
	a, err := LoadSTIX(context.Background(), strings.NewReader(miniBundle))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.TechniqueName("T1552.001"); got != "Unsecured Credentials: Credentials In Files" {
		t.Errorf("sub-technique name = %q", got)
	}
	if _, ok := a.Technique("T9999"); ok {
		t.Error("revoked technique loaded")
	}
	if m, _ := a.Mitigation("M1027"); m == nil || !slices.Equal(m.Techniques, []string{"T1552.001"}) {
		t.Errorf("mitigation = %+v", m)
	}
	if tech, _ := a.Technique("T1552"); tech == nil || !slices.Equal(tech.Tactics, []string{"credential-access"}) {
		t.Errorf("tactics = %+v", tech)
	}
}

func TestLoadSTIXErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"not json", "hello", "line 1, column 1"},
		{"syntax error on line 3", "{\"type\": \"bundle\",\n \"objects\": [\n {\"type\": x}]}", "line 3"},
		{"not an object", `[1]`, "expected a JSON object"},
		{"not a bundle", `{"type": "indicator"}`, `type is "indicator", expected "bundle"`},
		{"no type", `{"objects": []}`, "expected a STIX 2.1 bundle"},
		{"no techniques", `{"type": "bundle", "objects": []}`, "no ATT&CK techniques"},
		{"technique without id", `{"type": "bundle", "objects": [{"type": "attack-pattern", "id": "attack-pattern--1", "name": "X"}]}`, "has no mitre-attack external id"},
		{"objects not a list", `{"type": "bundle", "objects": {}}`, "objects is not a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadSTIX(context.Background(), strings.NewReader(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadSTIX(ctx, strings.NewReader(miniBundle)); err == nil {
		t.Error("a cancelled context gave no error")
	}
}
