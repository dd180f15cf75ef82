package otm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/foreign/foreigntest"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

var fixtureNames = []string{"example.otm.json", "example.otm.yaml"}

func importFixture(t *testing.T, name string) (*model.Model, model.Problems) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(foreigntest.Fixtures(t, "otm"), name))
	if err != nil {
		t.Fatal(err)
	}
	if !Detect(data) {
		t.Errorf("%s: not detected as OTM", name)
	}
	m, ps, err := Import(context.Background(), name, data, formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := ps.Errors(); len(errs) > 0 {
		t.Fatalf("%s: import errors:\n%v", name, errs)
	}
	return m, ps
}

func TestImportFixtures(t *testing.T) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) {
			m, ps := importFixture(t, name)
			foreigntest.Validate(t, m)
			foreigntest.Golden(t, name+".golden.json", foreigntest.ModelJSON(t, m, ps))
			foreigntest.Golden(t, name+".golden.yaml", foreigntest.Reload(t, m, "rampart.yaml"))
		})
	}
}

// TestJSONAndYAMLAgree checks that the two encodings of the same model import alike.
func TestJSONAndYAMLAgree(t *testing.T) {
	a, _ := importFixture(t, "example.otm.json")
	b, _ := importFixture(t, "example.otm.yaml")
	if d := foreign.Diff(a, b); len(d) > 0 {
		t.Errorf("JSON and YAML imports differ:\n%s", strings.Join(d, "\n"))
	}
}

func TestImportDetails(t *testing.T) {
	m, _ := importFixture(t, "example.otm.yaml")
	ix := m.Index()
	if ix.Parent["web-service"] != "2ab4effa-40b7-4cd2-ba81-8247d29a6f2d" {
		t.Errorf("web-service is in %q, want the Private trust zone", ix.Parent["web-service"])
	}
	if c := ix.Components["customer-database"]; c == nil || c.Type != "database" {
		t.Errorf("customer-database imported as %+v", c)
	}
	ws := ix.Components["web-service"]
	if ws == nil || len(ws.Processes) != 2 || len(ws.Stores) != 1 {
		t.Errorf("web-service assets: %+v", ws)
	}
	cc := ix.Data["cc-data"]
	if cc == nil || cc.CIA.Confidentiality != "critical" || cc.Classification != "restricted" {
		t.Errorf("cc-data imported as %+v", cc)
	}
	// The threat's two instances share their state: one manual threat with two targets.
	if len(m.Threats) != 1 || len(m.Threats[0].Targets) != 2 {
		t.Fatalf("got manual threats %+v, want one with two targets", m.Threats)
	}
	for _, th := range m.Threats {
		if th.Likelihood != 3 || th.Impact != 5 || len(th.STRIDE) != 2 || len(th.CWE) != 2 {
			t.Errorf("threat %s: %+v", th.ID, th)
		}
	}
	mit := ix.Controls["fd6136f4-e2ff-11eb-ba80-0242ac130004"]
	if mit == nil || mit.Status != "implemented" || mit.Effect == nil || mit.Effect.Likelihood != 2 {
		t.Errorf("mitigation imported as %+v", mit)
	}
	if !contains(ws.Controls, "fd6136f4-e2ff-11eb-ba80-0242ac130004") {
		t.Errorf("implemented mitigation not placed on web-service: %v", ws.Controls)
	}
	found := threats.Identify(m, nil)
	for _, th := range found {
		if th.ID == "22724267-be7e-44c0-8b1f-d7d33e9a34ec" && (len(th.InPlace) != 1 || len(th.Planned) != 0) {
			t.Errorf("the implemented mitigation does not count as in place: %+v", th)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// exportBoth exports as JSON and YAML with the built-in rules' threats, or
// with the test's own findings when stable is set (for golden files).
func exportBoth(t *testing.T, m *model.Model, stable bool) (js, ys []byte, ps model.Problems) {
	t.Helper()
	found := threats.Identify(m, builtin.Rules())
	if stable {
		found = foreigntest.Findings(m)
	}
	js, ps, err := Export(context.Background(), m, found)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(js) {
		t.Fatal("JSON export is not valid JSON")
	}
	ys, _, err = ExportYAML(context.Background(), m, found)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(ys, &v); err != nil {
		t.Fatalf("YAML export does not parse: %v", err)
	}
	return js, ys, ps
}

func TestExportFixtures(t *testing.T) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) {
			m, _ := importFixture(t, name)
			js, ys, ps := exportBoth(t, m, true)
			foreigntest.Golden(t, name+".export.golden.json", js)
			foreigntest.Golden(t, name+".export.golden.yaml", ys)
			foreigntest.Golden(t, name+".export.problems.golden.txt", []byte(ps.Error()+"\n"))
			checkSchema(t, js)
		})
	}
}

// checkSchema verifies the required keys of the OTM schema on an export.
func checkSchema(t *testing.T, js []byte) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil {
		t.Fatal(err)
	}
	need := func(where string, obj any, keys ...string) {
		o, ok := obj.(map[string]any)
		if !ok {
			t.Errorf("%s is not an object", where)
			return
		}
		for _, k := range keys {
			if _, ok := o[k]; !ok {
				t.Errorf("%s lacks required key %s", where, k)
			}
		}
	}
	need("document", doc, "otmVersion", "project")
	need("project", doc["project"], "name", "id")
	for _, sec := range []struct {
		key  string
		keys []string
	}{
		{"trustZones", []string{"id", "name", "risk"}}, {"components", []string{"id", "name", "type", "parent"}},
		{"dataflows", []string{"id", "name", "source", "destination"}}, {"threats", []string{"id", "name", "risk"}},
		{"mitigations", []string{"id", "name", "riskReduction"}}, {"assets", []string{"id", "name", "risk"}},
	} {
		list, _ := doc[sec.key].([]any)
		for i, item := range list {
			need(sec.key+"["+itoa(i)+"]", item, sec.keys...)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestRoundTrip(t *testing.T) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) {
			m1, _ := importFixture(t, name)
			js, ys, _ := exportBoth(t, m1, false)
			for kind, out := range map[string][]byte{"json": js, "yaml": ys} {
				m2, ps, err := Import(context.Background(), "exported."+kind, out, formats.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if errs := ps.Errors(); len(errs) > 0 {
					t.Fatalf("%s re-import errors:\n%v", kind, errs)
				}
				foreigntest.Validate(t, m2)
				if d := foreign.Diff(m1, m2); len(d) > 0 {
					t.Errorf("%s round trip changed the model:\n%s", kind, strings.Join(d, "\n"))
				}
			}
		})
	}
}

// TestRoundTripFromRampart exports a Rampart model and reads it back.
func TestRoundTripFromRampart(t *testing.T) {
	src := `rampart: 1
system: {id: shop, name: Shop, owner: team-shop}
data:
  - {id: orders, classification: confidential, cia: {confidentiality: high}}
components:
  - {id: user, type: user}
  - {id: api, type: api, technology: go, processes: [orders], controls: [waf]}
  - {id: db, type: database, stores: [orders]}
trust_boundaries:
  - {id: dmz, type: network-segment, contains: [api, core], tags: [edge]}
  - {id: core, type: vpc, contains: [db]}
flows:
  - {id: user-to-api, from: user, to: api, protocol: https, data_sent: [orders]}
  - {id: api-to-db, from: api, to: db, protocol: sql, authentication: password}
controls:
  - {id: waf, status: implemented}
threats:
  - {id: T-1, title: Order tampering, stride: [tampering], targets: [api, db], mitigations: [waf]}
treatments:
  - {threat: T-1, status: mitigating, owner: bob, due: 2030-01-01}
`
	m, ps, err := model.LoadBytes(context.Background(), "shop.yaml", []byte(src), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("test model: %v %v", err, ps.Errors())
	}
	js, _, eps := exportBoth(t, m, false)
	m2, ps2, err := Import(context.Background(), "shop.otm.json", js, formats.Options{})
	if err != nil || len(ps2.Errors()) > 0 {
		t.Fatalf("re-import: %v %v", err, ps2.Errors())
	}
	foreigntest.Validate(t, m2)
	// Identified threats come back as manual threats: compare only the model's own.
	var manual []model.ManualThreat
	for _, th := range m2.Threats {
		if th.ID == "T-1" {
			manual = append(manual, th)
		}
	}
	m2.Threats = manual
	if d := foreign.Diff(m, m2); len(d) > 0 {
		t.Errorf("round trip from Rampart changed the model:\n%s", strings.Join(d, "\n"))
	}
	api := m2.Index().Components["api"]
	if api == nil || api.Technology != "go" || api.Type != "api" {
		t.Errorf("api came back as %+v", api)
	}
	if f := m2.Index().Flows["user-to-api"]; f == nil || f.Protocol != "https" {
		t.Errorf("user-to-api came back as %+v", f)
	}
	if !strings.Contains(eps.Error(), "warning") && len(eps) > 0 {
		t.Errorf("export problems are not warnings: %v", eps)
	}
}

func TestBadFiles(t *testing.T) {
	cases := []struct{ name, src string }{
		{"syntax.yaml", "otmVersion: 0.2.0\nproject:\n  name: x\n   id: y\n"},
		{"syntax.json", "{\"otmVersion\": \"0.2.0\", \"project\": {\"name\": \"x\", \"id\": \"y\",}}"},
		{"wrong-version.yaml", "otmVersion: 1.0.0\nproject: {name: x, id: y}\n"},
		{"missing-version.json", `{"project": {"name": "x", "id": "y"}}`},
		{"missing-ids.yaml", `otmVersion: 0.2.0
project: {name: x}
trustZones:
  - {name: Zone, risk: {trustRating: 10}}
components:
  - {name: Web, type: web-service, parent: {trustZone: z}}
`},
		{"dangling.yaml", `otmVersion: 0.2.0
project: {name: x, id: y}
trustZones:
  - {id: z, name: Zone, risk: {trustRating: 10}}
components:
  - {id: web, name: Web, type: web-service, parent: {trustZone: zz}, threats: [{threat: t9, state: exposed}]}
dataflows:
  - {id: f, name: F, source: web, destination: dbb}
`},
		{"wrong-types.json", `{"otmVersion": "0.2.0", "project": {"name": ["x"], "id": "y"},
 "components": [{"id": "c", "name": "C", "type": "web", "parent": {"trustZone": 3}, "tags": "a"}],
 "threats": [{"id": "t", "name": "T", "risk": {"likelihood": "high", "impact": 50}}]}`},
	}
	var report strings.Builder
	for _, c := range cases {
		_, ps, err := Import(context.Background(), c.name, []byte(c.src), formats.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(ps.Errors()) == 0 {
			t.Errorf("%s: no error reported", c.name)
		}
		for _, p := range ps.Errors() {
			if p.Pos.Line == 0 {
				t.Errorf("%s: error without a line: %v", c.name, p)
			}
		}
		report.WriteString("== " + c.name + "\n" + ps.Error() + "\n")
	}
	foreigntest.Golden(t, "errors.golden.txt", []byte(report.String()))
}

func TestRegistered(t *testing.T) {
	for _, n := range []string{Name, NameYAML} {
		if f, err := formats.Lookup(n); err != nil || f.Import == nil || f.Export == nil {
			t.Errorf("format %s not registered: %v", n, err)
		}
	}
	if formats.Detect([]byte("otmVersion: 0.2.0\nproject: {name: x, id: y}\n")) != Name {
		t.Error("OTM YAML not detected")
	}
	for _, s := range []string{"rampart: 1\nsystem: {id: otmVersion}\n", "rampart: 1\nsystem:\n  description: |\n    otmVersion: 0.2.0\n",
		`{"summary": {"description": "see otmVersion 0.2.0"}, "detail": {"diagrams": []}}`} {
		if Detect([]byte(s)) {
			t.Errorf("detected as OTM: %s", s)
		}
	}
	if !Detect([]byte(`{"otmVersion":"0.2.0","project":{"name":"x","id":"y"}}`)) {
		t.Error("minified OTM JSON not detected")
	}
}

func FuzzImport(f *testing.F) {
	f.Add([]byte(`otmVersion: 0.2.0
project: {name: x, id: y}
assets: [{id: a, name: A, risk: {confidentiality: 90, integrity: 10, availability: 50}}]
trustZones: [{id: z, name: Z, risk: {trustRating: 10}, parent: {trustZone: z2}}, {id: z2, name: Z2, risk: {trustRating: 90}}]
components:
  - {id: c, name: C, type: database, parent: {trustZone: z}, assets: {stored: [a]}, threats: [{threat: t, state: mitigated, mitigations: [{mitigation: m, state: implemented}]}]}
  - {id: d, name: D, type: web, parent: {component: c}}
dataflows: [{id: f, name: F, source: c, destination: d, tags: [https], threats: [{threat: t, state: exposed}]}]
threats: [{id: t, name: T, categories: [Spoofing], cwes: [CWE-1], risk: {likelihood: 10, impact: 90}}]
mitigations: [{id: m, name: M, riskReduction: 70}]
`))
	f.Add([]byte(`{"otmVersion": "0.1.0", "project": {"name": "x", "id": "y"}, "components": [{"id": "a", "parent": {"id": "q", "type": "x"}}]}`))
	f.Add([]byte("a: &a [*a]\notmVersion: 0.2.0\n"))
	f.Fuzz(foreigntest.FuzzImport("fuzz.yaml", Import, Export))
}

// TestMitigationIDClash checks that a mitigation whose id is taken by a
// component, or is not a valid Rampart id, gets an id of its own that the
// threats then use, with a warning for the clash, and that the export
// writes the OTM id back: OTM keeps mitigations and elements apart.
func TestMitigationIDClash(t *testing.T) {
	src := `otmVersion: 0.2.0
project: {name: x, id: y}
trustZones: [{id: z, name: Z, risk: {trustRating: 10}}]
components:
  - {id: auth, name: Auth, type: web-service, parent: {trustZone: z}, threats: [{threat: t, state: exposed, mitigations: [{mitigation: auth, state: implemented}, {mitigation: "bad id!", state: required}]}]}
threats: [{id: t, name: T, risk: {likelihood: 10, impact: 90}}]
mitigations: [{id: auth, name: Strong auth, riskReduction: 70}, {id: "bad id!", name: Bad, riskReduction: 10}]
`
	m, ps, err := Import(context.Background(), "clash.yaml", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	foreigntest.Validate(t, m)
	if got := strings.Join(m.Threats[0].Mitigations, ","); got != "mitigation:auth,bad-id" {
		t.Errorf("threat mitigations %q, want mitigation:auth,bad-id", got)
	}
	if got := strings.Join(m.Components[0].Controls, ","); got != "mitigation:auth,bad-id" {
		t.Errorf("component controls %q, want mitigation:auth,bad-id", got)
	}
	if !strings.Contains(ps.Error(), "clash.yaml:7:20: warning: mitigations[0].id: mitigation id 'auth' is also the id of another element; it is 'mitigation:auth' in Rampart") {
		t.Errorf("no warning with position for the clash:\n%v", ps)
	}
	out, _, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"id": "auth",`) || strings.Contains(string(out), "mitigation:auth") {
		t.Errorf("the export does not write the mitigation's OTM id back:\n%s", out)
	}
}

// TestThreatAndMitigationNamespaces checks that a threat and a mitigation
// may share an id, as OTM allows: no silent renaming to 55-2.
func TestThreatAndMitigationNamespaces(t *testing.T) {
	src := `otmVersion: 0.2.0
project: {name: x, id: y}
trustZones: [{id: z, name: Z, risk: {trustRating: 10}}]
components:
  - {id: c, name: C, type: web-service, parent: {trustZone: z}, threats: [{threat: "55", state: exposed, mitigations: [{mitigation: "55", state: implemented}]}]}
threats: [{id: "55", name: T, categories: [Elevation of Privileges], risk: {likelihood: 10, impact: 90}}]
mitigations: [{id: "55", name: M, riskReduction: 70}]
`
	m, ps, err := Import(context.Background(), "ns.yaml", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	foreigntest.Validate(t, m)
	if len(m.Threats) != 1 || m.Threats[0].ID != "threat:55" || strings.Join(m.Threats[0].Mitigations, ",") != "55" {
		t.Fatalf("threats %+v", m.Threats)
	}
	for _, id := range []string{m.Threats[0].ID, m.Controls[0].ID} {
		if strings.HasSuffix(id, "-2") {
			t.Errorf("silently renamed to %s", id)
		}
	}
	if !strings.Contains(ps.Error(), "threat id '55' is also the id of another element; it is 'threat:55'") {
		t.Errorf("no warning for the shared id:\n%v", ps)
	}
	out, _, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "threat:55") || strings.Count(string(out), `"id": "55"`) != 2 {
		t.Errorf("the export does not write both ids back as 55:\n%s", out)
	}
}

// TestSTRIDESpellings checks the spellings of STRIDE categories found in
// real files.
func TestSTRIDESpellings(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want model.STRIDE
	}{
		{"Elevation of Privileges", model.ElevationOfPrivilege},
		{"Elevation Of Privilege", model.ElevationOfPrivilege},
		{"ELEVATION_OF_PRIVILEGE", model.ElevationOfPrivilege},
		{"Denial-Of-Service", model.DenialOfService},
		{"Denial of  Service", model.DenialOfService},
		{"Information Disclosure", model.InformationDisclosure},
		{"information_disclosure", model.InformationDisclosure},
		{"Tampering with data", model.Tampering},
		{"Spoofing of identity", model.Spoofing},
		{"Repudiation", model.Repudiation},
	} {
		if got, ok := strideCategory(tc.in); !ok || got != tc.want {
			t.Errorf("%q read as %q (%v), want %q", tc.in, got, ok, tc.want)
		}
	}
	if _, ok := strideCategory("Phishing"); ok {
		t.Error("Phishing read as a STRIDE category")
	}
}

// TestOutOfRangeAndCycles checks that values outside OTM's 0..100 scale
// are warnings with their position, never silent clamps, and that trust
// zones whose parents form a cycle are an error at import, with position.
func TestOutOfRangeAndCycles(t *testing.T) {
	src := `otmVersion: 0.2.0
project: {name: x, id: y}
trustZones:
  - {id: a, name: A, risk: {trustRating: 10}, parent: {trustZone: b}}
  - {id: b, name: B, risk: {trustRating: 10}, parent: {trustZone: a}}
components:
  - {id: c, name: C, type: web-service, parent: {trustZone: a}, threats: [{threat: t, state: exposed}]}
threats: [{id: t, name: T, risk: {likelihood: 250, impact: -5}}]
`
	_, ps, err := Import(context.Background(), "bad.yaml", []byte(src), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := ps.Error()
	for _, want := range []string{
		"bad.yaml:8:47: warning: threats[0].risk.likelihood: likelihood 250 is outside 0..100; read as 100",
		"bad.yaml:8:60: warning: threats[0].risk.impact: impact -5 is outside 0..100; read as 0",
		"trust zones form a cycle through their parents: a → b → a",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	var cycle *model.Problem
	for i := range ps {
		if strings.Contains(ps[i].Message, "cycle") {
			cycle = &ps[i]
		}
	}
	if cycle == nil || cycle.IsWarning() || cycle.Pos.Line == 0 {
		t.Errorf("the cycle is not an error with a position: %+v", cycle)
	}
}

func BenchmarkImport(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(foreigntest.Fixtures(b, "otm"), "example.otm.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ps, err := Import(context.Background(), "example.otm.yaml", data, formats.Options{}); err != nil || len(ps.Errors()) > 0 {
			b.Fatal(err, ps.Errors())
		}
	}
}

// TestKeepsOtherProperties checks that a threat's further risk values
// (riskComments), its free-form attributes and properties of other tools
// survive an import and an export, and that a second round trip changes
// nothing.
func TestKeepsOtherProperties(t *testing.T) {
	src := `{"otmVersion": "0.2.0", "project": {"name": "x", "id": "y"},
"trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 10}}],
"components": [{"id": "c", "name": "C", "type": "web-service", "parent": {"trustZone": "z"}, "threats": [{"threat": "t", "state": "exposed"}]}],
"threats": [{"id": "t", "name": "T", "categories": ["Tampering"], "source": "MTMT", "priority": 2,
  "risk": {"likelihood": 40, "impact": 80, "riskComments": "checked by the review board"},
  "attributes": {"severity": "High", "owner": "team-a"}}]}`
	m, ps, err := Import(context.Background(), "props.json", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	if strings.Contains(ps.Error(), "not kept") {
		t.Errorf("properties reported as not kept:\n%v", ps)
	}
	out, _, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"riskComments":"checked by the review board"`, `"source":"MTMT"`, `"priority":2`, `"severity": "High"`, `"owner": "team-a"`} {
		if !strings.Contains(strings.ReplaceAll(string(out), `": `, `":`), strings.ReplaceAll(want, `": `, `":`)) {
			t.Errorf("export lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), propsPrefix) {
		t.Errorf("the kept properties leak into the description:\n%s", out)
	}
	m2, _, err := Import(context.Background(), "again.json", out, formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Export(context.Background(), m2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(out) {
		t.Errorf("export→import→export changed the file:\n%s", foreigntest.FirstDiff(out, again))
	}
}

// roundTrips imports data, exports it (with no identified threats, so that
// the exported file holds only what came from the file), imports the
// export and exports again: the two imported models must marshal to the
// same bytes and the two exports must be equal. It returns the first export.
func roundTrips(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	ctx := context.Background()
	m1, ps, err := Import(ctx, name, data, formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	out1, _, err := Export(ctx, m1, nil)
	if err != nil {
		t.Fatal(err)
	}
	m2, ps, err := Import(ctx, "exported.json", out1, formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("re-import: %v %v", err, ps.Errors())
	}
	y1, err := model.Marshal(m1)
	if err != nil {
		t.Fatal(err)
	}
	y2, err := model.Marshal(m2)
	if err != nil {
		t.Fatal(err)
	}
	if string(y1) != string(y2) {
		t.Errorf("import→export→import changed the model:\n%s", foreigntest.FirstDiff(y1, y2))
	}
	out2, _, err := Export(ctx, m2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(out1) != string(out2) {
		t.Errorf("export→import→export changed the file:\n%s", foreigntest.FirstDiff(out1, out2))
	}
	foreigntest.ValidateSchema(t, "otm.schema.json", out1)
	return out1
}

// TestFixturesByteStable checks the exact round trips on the shared fixtures.
func TestFixturesByteStable(t *testing.T) {
	for _, name := range fixtureNames {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(foreigntest.Fixtures(t, "otm"), name))
			if err != nil {
				t.Fatal(err)
			}
			roundTrips(t, name, data)
		})
	}
}

// unknownKeys is an OTM file with keys no OTM version defines on every
// element that keeps them, in nested objects and as attributes that are
// no plain values.
const unknownKeys = `{"otmVersion": "0.2.0", "project": {"name": "x", "id": "y"},
"trustZones": [
  {"id": "z", "name": "Z", "risk": {"trustRating": 10, "x-reviewed": "2026-11-30"}, "x-owner": {"team": "net", "rota": [1, 2]},
   "attributes": {"cidr": "10.0.0.0/8", "ranges": ["a", "b"]}},
  {"id": "z2", "name": "Z2", "risk": {"trustRating": 60}, "parent": {"trustZone": "z", "x-via": "peering"}}],
"components": [
  {"id": "c", "name": "C", "type": "web-service", "parent": {"trustZone": "z", "x-slot": 3}, "x-vendor": "acme",
   "x-ports": [80, 443], "assets": {"processed": ["a"], "x-cached": true}, "attributes": {"tier": "gold", "limits": {"cpu": 2}}},
  {"id": "d", "name": "D", "type": "database", "parent": {"trustZone": "z2"}, "assets": {"x-only": null}}],
"dataflows": [
  {"id": "f", "name": "F", "source": "c", "destination": "d", "x-latency-ms": 12.5, "x-checked": false,
   "attributes": {"port": 5432, "owners": {"a": 1}}, "threats": [{"threat": "t", "state": "exposed"}]}],
"assets": [{"id": "a", "name": "A", "risk": {"confidentiality": 80, "integrity": 50, "availability": 10}}],
"threats": [{"id": "t", "name": "T", "categories": ["Tampering"], "x-source": "MTMT",
  "risk": {"likelihood": 40, "impact": 80, "x-comment": "seen"}, "attributes": {"nested": {"k": "v"}}}]}`

// TestKeepsUnknownKeys checks that keys OTM does not define survive on
// trust zones, components and dataflows (and their risk, parent and
// assets objects) as on threats: the export writes each back with its
// value, the round trips are exact, and no warning says one was dropped.
func TestKeepsUnknownKeys(t *testing.T) {
	_, ps, err := Import(context.Background(), "unknown.json", []byte(unknownKeys), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ps.Error(), "dropped") || strings.Contains(ps.Error(), "not kept") && !strings.Contains(ps.Error(), "representations") {
		t.Errorf("an unknown key was reported dropped:\n%v", ps)
	}
	out := roundTrips(t, "unknown.json", []byte(unknownKeys))
	var in, got map[string]any
	if err := json.Unmarshal([]byte(unknownKeys), &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	byID := func(doc map[string]any, section, id string) map[string]any {
		list, _ := doc[section].([]any)
		for _, e := range list {
			if o, _ := e.(map[string]any); o["id"] == id {
				return o
			}
		}
		t.Fatalf("%s %s missing from the export:\n%s", section, id, out)
		return nil
	}
	cases := []struct {
		section, id string
		path        []string // key path from the element
	}{
		{"trustZones", "z", []string{"x-owner"}},
		{"trustZones", "z", []string{"risk", "x-reviewed"}},
		{"trustZones", "z", []string{"attributes", "ranges"}},
		{"trustZones", "z", []string{"attributes", "cidr"}},
		{"trustZones", "z2", []string{"parent", "x-via"}},
		{"components", "c", []string{"x-vendor"}},
		{"components", "c", []string{"x-ports"}},
		{"components", "c", []string{"parent", "x-slot"}},
		{"components", "c", []string{"assets", "x-cached"}},
		{"components", "c", []string{"attributes", "limits"}},
		{"components", "c", []string{"attributes", "tier"}},
		{"components", "d", []string{"assets", "x-only"}},
		{"dataflows", "f", []string{"x-latency-ms"}},
		{"dataflows", "f", []string{"x-checked"}},
		{"dataflows", "f", []string{"attributes", "owners"}},
		{"dataflows", "f", []string{"attributes", "port"}},
		{"threats", "t", []string{"x-source"}},
		{"threats", "t", []string{"risk", "x-comment"}},
		{"threats", "t", []string{"attributes", "nested"}},
	}
	for _, c := range cases {
		want, have := any(byID(in, c.section, c.id)), any(byID(got, c.section, c.id))
		for _, k := range c.path {
			wm, _ := want.(map[string]any)
			hm, _ := have.(map[string]any)
			want, have = wm[k], hm[k]
		}
		wb, _ := json.Marshal(want)
		hb, _ := json.Marshal(have)
		if string(wb) != string(hb) {
			t.Errorf("%s %s %s: exported %s, want %s", c.section, c.id, strings.Join(c.path, "."), hb, wb)
		}
	}
	if strings.Contains(string(out), propsPrefix) {
		t.Errorf("the kept keys leak into a description:\n%s", out)
	}
}

// TestInferenceStaysOut checks that types, technologies and protocols
// inferred from names are the model's, and that the export writes none of
// them, nor the inferred data asset: the file comes back as it was.
func TestInferenceStaysOut(t *testing.T) {
	src := `{"otmVersion": "0.2.0", "project": {"name": "x", "id": "y"},
"trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 10}}],
"components": [
  {"id": "app", "name": "Order service", "type": "generic", "parent": {"trustZone": "z"}},
  {"id": "cache", "name": "Redis cache", "type": "generic", "parent": {"trustZone": "z"}}],
"dataflows": [{"id": "f", "name": "Cache lookups", "source": "app", "destination": "cache"}]}`
	m, ps, err := Import(context.Background(), "infer.json", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	ix := m.Index()
	if c := ix.Components["cache"]; c == nil || c.Type != "cache" || c.Technology != "redis" {
		t.Errorf("cache imported as %+v", c)
	}
	if f := ix.Flows["f"]; f == nil || f.Protocol != "redis" {
		t.Errorf("flow imported as %+v", f)
	}
	if len(m.Data) != 1 || !strings.Contains(ps.Error(), "component 'cache': inferred type cache (from 'redis') and technology redis") {
		t.Errorf("data %v, warnings:\n%s", m.Data, ps.Error())
	}
	out := roundTrips(t, "infer.json", []byte(src))
	for _, leak := range []string{"rampart.technology", "rampart.type", "rampart.protocol", "application-data", "inferred"} {
		if strings.Contains(string(out), leak) {
			t.Errorf("the export holds %q, which only inference said:\n%s", leak, out)
		}
	}
}
