package threatcomposer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/formats/foreign/foreigntest"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

func fixtures(t *testing.T) []string {
	t.Helper()
	dir := foreigntest.Fixtures(t, "threat-composer")
	files, err := filepath.Glob(filepath.Join(dir, "*.tc.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Threat Composer fixtures in %s", dir)
	}
	sort.Strings(files)
	return files
}

func base(path string) string { return strings.TrimSuffix(filepath.Base(path), ".tc.json") }

func importFile(t *testing.T, path string) (*model.Model, model.Problems) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !Detect(data) {
		t.Errorf("%s: not detected as Threat Composer", path)
	}
	m, ps, err := Import(context.Background(), filepath.Base(path), data, formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := ps.Errors(); len(errs) > 0 {
		t.Fatalf("%s: import errors:\n%v", path, errs)
	}
	return m, ps
}

func TestImportFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			m, ps := importFile(t, path)
			foreigntest.Validate(t, m)
			if len(m.Threats) == 0 || len(m.Controls) == 0 {
				t.Errorf("imported %d threats and %d controls, expected some of each", len(m.Threats), len(m.Controls))
			}
			foreigntest.Golden(t, base(path)+".golden.json", foreigntest.ModelJSON(t, m, ps))
			foreigntest.Golden(t, base(path)+".golden.yaml", foreigntest.Reload(t, m, "rampart.yaml"))
		})
	}
}

func TestImportDetails(t *testing.T) {
	var path string
	for _, p := range fixtures(t) {
		if base(p) == "ThreatComposer" {
			path = p
		}
	}
	if path == "" {
		t.Fatal("ThreatComposer.tc.json missing from the fixtures")
	}
	m, _ := importFile(t, path)
	ix := m.Index()
	th := ix.Threats["T-22"]
	if th == nil {
		t.Fatal("threat T-22 missing")
	}
	if !strings.HasPrefix(th.Title, "A threat actor that is able to trick a user") || len(th.STRIDE) != 1 || th.STRIDE[0] != model.InformationDisclosure ||
		th.Likelihood != 3 || !slices.Contains(th.Targets, "browser") || !slices.Contains(th.Targets, "user") {
		t.Errorf("T-22 imported as %+v", th)
	}
	if !strings.Contains(th.Description, "Threat action: read the contents of local browser storage") {
		t.Errorf("T-22 lost its grammar: %q", th.Description)
	}
	if d := ix.Data["application-metadata"]; d == nil || d.CIA.Confidentiality.Score() < 3 || d.Classification != "internal" {
		t.Errorf("impacted asset imported as %+v", d)
	}
	status := map[string]model.TreatmentStatus{}
	for _, tr := range m.Treatments {
		status[tr.Threat] = tr.Status
	}
	if status["T-22"] != "mitigated" {
		t.Errorf("T-22 status %s, want mitigated (threatResolved)", status["T-22"])
	}
	if c := ix.Controls["M-19"]; c == nil || c.Status != "implemented" || c.Name != "Schema validation on data import" {
		t.Errorf("M-19 imported as %+v", c)
	}
	if !strings.Contains(m.System.Description, headAssumptions) {
		t.Error("assumptions missing from the system description")
	}
}

func TestExportFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			m, _ := importFile(t, path)
			out, ps, err := Export(context.Background(), m, nil)
			if err != nil {
				t.Fatal(err)
			}
			foreigntest.Golden(t, base(path)+".export.golden.json", out)
			foreigntest.Golden(t, base(path)+".export.problems.golden.txt", []byte(ps.Error()+"\n"))
			checkSchema(t, out)
		})
	}
}

// checkSchema verifies what Threat Composer's strict import schema demands:
// 36-character ids, numeric ids, links to existing entities, known statuses
// and metadata keys.
func checkSchema(t *testing.T, out []byte) {
	t.Helper()
	var doc document
	dec := json.NewDecoder(strings.NewReader(string(out)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != 1 {
		t.Errorf("schema %d", doc.Schema)
	}
	ids := map[string]string{}
	nums := map[string]bool{}
	check := func(kind, id string, n int) {
		if len(id) != 36 {
			t.Errorf("%s id %q is not 36 characters", kind, id)
		}
		if n <= 0 {
			t.Errorf("%s %s has numericId %d", kind, id, n)
		}
		key := kind + strings.Repeat("#", n)
		if nums[key] {
			t.Errorf("%s numericId %d used twice", kind, n)
		}
		nums[key] = true
		ids[id] = kind
	}
	for _, a := range doc.Assumptions {
		check("assumption", a.ID, a.NumericID)
	}
	for _, m := range doc.Mitigations {
		check("mitigation", m.ID, m.NumericID)
		switch m.Status {
		case "mitigationIdentified", "mitigationInProgress", "mitigationResolved", "mitigationResolvedWillNotAction":
		default:
			t.Errorf("mitigation status %q", m.Status)
		}
	}
	for _, th := range doc.Threats {
		check("threat", th.ID, th.NumericID)
		switch th.Status {
		case "threatIdentified", "threatResolved", "threatResolvedNotUseful":
		default:
			t.Errorf("threat status %q", th.Status)
		}
		for _, md := range th.Metadata {
			if md.Key != "STRIDE" && md.Key != "Priority" && md.Key != "Comments" {
				t.Errorf("threat metadata key %q", md.Key)
			}
		}
		for _, tag := range th.Tags {
			if len(tag) > maxTag {
				t.Errorf("tag %q too long", tag)
			}
		}
		if th.Statement == "" || len([]rune(th.Statement)) > maxStatement {
			t.Errorf("threat %s statement has %d characters", th.ID, len([]rune(th.Statement)))
		}
		for _, f := range append([]string{th.ThreatSource, th.Prerequisites, th.ThreatAction, th.ThreatImpact}, append(th.ImpactedGoal, th.ImpactedAssets...)...) {
			if len([]rune(f)) > maxField {
				t.Errorf("threat %s has a grammar field of %d characters", th.ID, len([]rune(f)))
			}
		}
	}
	for _, l := range doc.MitigationLinks {
		if ids[l.MitigationID] != "mitigation" || ids[l.LinkedID] == "" {
			t.Errorf("dangling mitigation link %+v", l)
		}
	}
	for _, l := range doc.AssumptionLinks {
		if ids[l.AssumptionID] != "assumption" || ids[l.LinkedID] != strings.ToLower(l.Type) {
			t.Errorf("dangling assumption link %+v", l)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			m1, _ := importFile(t, path)
			out, _, err := Export(context.Background(), m1, nil)
			if err != nil {
				t.Fatal(err)
			}
			m2, ps, err := Import(context.Background(), "exported.tc.json", out, formats.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if errs := ps.Errors(); len(errs) > 0 {
				t.Fatalf("re-import errors:\n%v", errs)
			}
			foreigntest.Validate(t, m2)
			if d := foreign.Diff(m1, m2); len(d) > 0 {
				t.Errorf("round trip changed the model:\n%s", strings.Join(d, "\n"))
			}
			// Links survive: each threat keeps its mitigations and descriptions (with assumptions).
			ix2 := m2.Index()
			for _, th := range m1.Threats {
				o := ix2.Threats[th.ID]
				if o == nil || strings.Join(o.Mitigations, ",") != strings.Join(th.Mitigations, ",") || o.Description != th.Description {
					t.Errorf("threat %s changed:\n%+v\n%+v", th.ID, th, o)
				}
			}
			if m1.System.Description != m2.System.Description {
				t.Errorf("system description changed:\n%q\n%q", m1.System.Description, m2.System.Description)
			}
		})
	}
}

// TestExportRampartThreats writes identified and manual threats of a
// Rampart model in threat-grammar form.
func TestExportRampartThreats(t *testing.T) {
	src := `rampart: 1
system: {id: shop, name: Shop}
data:
  - {id: orders, name: Orders, classification: confidential}
components:
  - {id: user, type: user}
  - {id: api, name: Order API, type: api, processes: [orders]}
flows:
  - {id: user-to-api, from: user, to: api, protocol: http, data_sent: [orders]}
controls:
  - {id: waf, status: implemented}
threats:
  - {id: T-1, title: Order tampering, description: Someone changes orders., stride: [tampering], targets: [api, orders], likelihood: 4, impact: 4, mitigations: [waf]}
treatments:
  - {threat: T-1, status: mitigated}
`
	m, ps, err := model.LoadBytes(context.Background(), "shop.yaml", []byte(src), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("test model: %v %v", err, ps.Errors())
	}
	found := append(foreigntest.Findings(m), threats.Identify(m, nil)...)
	out, eps, err := Export(context.Background(), m, found)
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, out)
	foreigntest.Golden(t, "rampart.export.golden.json", out)
	var doc document
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var t1 *threat
	for i := range doc.Threats {
		if doc.Threats[i].NumericID == 1 {
			t1 = &doc.Threats[i]
		}
	}
	if t1 == nil || t1.Statement != "A threat actor with access to Order API and Orders can order tampering, which leads to someone changes orders, resulting in reduced integrity of Orders" ||
		t1.Status != "threatResolved" {
		t.Errorf("T-1 exported as %+v", t1)
	}
	if len(doc.Threats) < 2 {
		t.Errorf("identified threats not exported: %d threats", len(doc.Threats))
	}
	if !strings.Contains(eps.Error(), "architecture and data flow descriptions") {
		t.Errorf("no warning about elements written as text:\n%v", eps)
	}
	if !strings.Contains(doc.Dataflow.Description, "user-to-api") {
		t.Errorf("data flow description lacks the flows: %q", doc.Dataflow.Description)
	}
}

// TestExportLimits checks that text longer than Threat Composer accepts is
// cut, with a warning.
func TestExportLimits(t *testing.T) {
	long := strings.Repeat("very long words ", 120)
	src := "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n  - {id: api, type: api}\nthreats:\n  - {id: T-1, title: " + long + ", targets: [api]}\n"
	m, ps, err := model.LoadBytes(context.Background(), "long.yaml", []byte(src), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("test model: %v %v", err, ps.Errors())
	}
	out, eps, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, out)
	if !strings.Contains(eps.Error(), "the statement of threat T-1 is longer than") || !strings.Contains(eps.Error(), "the threat action of threat T-1") {
		t.Errorf("no warnings about the cut text:\n%v", eps)
	}
}

func TestBadFiles(t *testing.T) {
	cases := []struct {
		name, src string
		warnOnly  bool
	}{
		{"syntax", "{\n  \"schema\": 1,\n  \"threats\": [\n    {\"id\": \"a\" \"numericId\": 1}\n  ]\n}", false},
		{"wrong-version", `{"schema": 7, "threats": []}`, false},
		{"missing-schema", `{"threats": []}`, false},
		{"missing-ids", `{"schema": 1, "threats": [{"numericId": 1, "statement": "x"}], "mitigations": [{"content": "m"}]}`, false},
		{"dangling", `{"schema": 1,
 "threats": [{"id": "t1", "numericId": 1, "statement": "A threat"}],
 "mitigations": [{"id": "m1", "numericId": 1, "content": "M"}],
 "mitigationLinks": [{"mitigationId": "m2", "linkedId": "t1"}, {"mitigationId": "m1", "linkedId": "t9"}],
 "assumptionLinks": [{"type": "Threat", "assumptionId": "a1", "linkedId": "t1"}]}`, true},
		{"bad-link-type", `{"schema": 1, "threats": [{"id": "t1", "numericId": 1, "statement": "A threat"}],
 "assumptions": [{"id": "a1", "numericId": 1, "content": "A"}],
 "assumptionLinks": [{"type": "Component", "assumptionId": "a1", "linkedId": "t1"}]}`, false},
		{"wrong-types", `{"schema": "1"}`, false},
		{"wrong-types-2", `{"schema": 1, "threats": [{"id": "t1", "numericId": "one", "statement": 5, "impactedAssets": "db",
 "metadata": [{"key": "STRIDE", "value": 3}]}]}`, false},
	}
	var report strings.Builder
	for _, c := range cases {
		_, ps, err := Import(context.Background(), c.name+".tc.json", []byte(c.src), formats.Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.warnOnly {
			if len(ps.Errors()) > 0 || len(ps.Warnings()) < 2 {
				t.Errorf("%s: want only warnings, got %v", c.name, ps)
			}
		} else if len(ps.Errors()) == 0 {
			t.Errorf("%s: no error reported", c.name)
		}
		for _, p := range ps {
			if p.Pos.Line == 0 {
				t.Errorf("%s: error without a line: %v", c.name, p)
			}
		}
		report.WriteString("== " + c.name + "\n" + ps.Error() + "\n")
	}
	foreigntest.Golden(t, "errors.golden.txt", []byte(report.String()))
}

func TestRegistered(t *testing.T) {
	f, err := formats.Lookup(Name)
	if err != nil || f.Import == nil || f.Export == nil {
		t.Fatalf("format not registered: %v", err)
	}
	if formats.Detect([]byte(`{"schema": 1, "threats": []}`)) != Name {
		t.Error("Threat Composer content not detected")
	}
	if Detect([]byte(`{"summary": {"title": "x"}, "detail": {"diagrams": []}}`)) {
		t.Error("a Threat Dragon model detected as Threat Composer")
	}
}

func FuzzImport(f *testing.F) {
	f.Add([]byte(`{"schema": 1, "applicationInfo": {"name": "App"},
 "assumptions": [{"id": "a1", "numericId": 1, "content": "A", "metadata": [{"key": "Comments", "value": "c"}]}],
 "threats": [{"id": "t1", "numericId": 1, "threatSource": "actor", "threatAction": "do", "impactedGoal": ["integrity"], "impactedAssets": ["db"],
   "metadata": [{"key": "STRIDE", "value": ["T"]}, {"key": "Priority", "value": "High"}], "status": "threatResolvedNotUseful"}],
 "mitigations": [{"id": "m1", "numericId": 1, "content": "M", "status": "mitigationResolved"}],
 "mitigationLinks": [{"mitigationId": "m1", "linkedId": "t1"}],
 "assumptionLinks": [{"type": "Mitigation", "assumptionId": "a1", "linkedId": "m1"}]}`))
	f.Add([]byte(`{"schema": 1, "threats": [{"id": "t1"}, {"id": "t1"}]}`))
	f.Fuzz(foreigntest.FuzzImport("fuzz.tc.json", Import, Export))
}

func BenchmarkImport(b *testing.B) {
	dir := foreigntest.Fixtures(b, "threat-composer")
	data, err := os.ReadFile(filepath.Join(dir, "GenAIChatbot.tc.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ps, err := Import(context.Background(), "GenAIChatbot.tc.json", data, formats.Options{}); err != nil || len(ps.Errors()) > 0 {
			b.Fatal(err, ps.Errors())
		}
	}
}

// TestFixedPoint imports each fixture, exports it with the threats
// Rampart's rules identify, and repeats import and export five times: the
// export must not grow (rule-identified threats and their mitigations must
// not come back as hand-written ones) and must be byte-stable, and every
// threat, mitigation and assumption of the fixture keeps its id and
// numericId.
func TestFixedPoint(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			m, _ := importFile(t, path)
			first, _, err := Export(context.Background(), m, threats.Identify(m, builtin.Rules()))
			if err != nil {
				t.Fatal(err)
			}
			prev := first
			for cycle := 1; cycle <= 5; cycle++ {
				m, ps, err := Import(context.Background(), "cycle.tc.json", prev, formats.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if errs := ps.Errors(); len(errs) > 0 {
					t.Fatalf("cycle %d: import errors: %v", cycle, errs)
				}
				out, _, err := Export(context.Background(), m, threats.Identify(m, builtin.Rules()))
				if err != nil {
					t.Fatal(err)
				}
				a, b := counts(t, prev), counts(t, out)
				if a != b {
					t.Fatalf("cycle %d: the export grew from %s to %s", cycle, a, b)
				}
				if string(out) != string(prev) {
					t.Fatalf("cycle %d: the export changed:\n%s", cycle, foreigntest.FirstDiff(prev, out))
				}
				prev = out
			}
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, got := ids(t, orig), ids(t, first)
			for id, num := range want {
				if got[id] != num {
					t.Errorf("%s (numericId %d) is written as numericId %d (0: missing)", id, num, got[id])
				}
			}
		})
	}
}

type tcEntity struct {
	ID        string  `json:"id"`
	NumericID float64 `json:"numericId"`
}

func counts(t *testing.T, data []byte) string {
	t.Helper()
	var d struct {
		Threats, Mitigations, Assumptions, MitigationLinks, AssumptionLinks []json.RawMessage
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{strconv.Itoa(len(d.Threats)) + " threats", strconv.Itoa(len(d.Mitigations)) + " mitigations",
		strconv.Itoa(len(d.Assumptions)) + " assumptions", strconv.Itoa(len(d.MitigationLinks)) + " mitigation links",
		strconv.Itoa(len(d.AssumptionLinks)) + " assumption links"}, ", ")
}

// ids maps each threat's, mitigation's and assumption's id to its numericId.
func ids(t *testing.T, data []byte) map[string]int {
	t.Helper()
	var d struct{ Threats, Mitigations, Assumptions []tcEntity }
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, list := range [][]tcEntity{d.Threats, d.Mitigations, d.Assumptions} {
		for _, e := range list {
			out[e.ID] = int(e.NumericID)
		}
	}
	return out
}

// TestWorkspaceParts checks that the parts of the system come from the
// workspace's descriptions: an entity table, a data flow table with its
// assets, the bold names of architecture list items that name parts, and
// flows listed by identifier; that threats target the components their
// impacted assets and statements name, and mitigations sit on those
// components; and that a threat naming none targets the component
// standing for the whole application.
func TestWorkspaceParts(t *testing.T) {
	src := `{"schema": 1, "applicationInfo": {"name": "Shop", "description": "An online shop."},
"architecture": {"description": "#### Components\n\n- **[Amazon DynamoDB](https://example.com)**: Stores orders.\n- **Static Website Only** - a deployment option\n- **Application Load Balancer**: Routes requests."},
"dataflow": {"description": "| Entity | Description |\n|-|-|\n| User | The buyer |\n| Web App | The shop front |\n| Payments | Charges cards |\n\n| Flow Identifier | Flow Description | Source Entity | Target Entity | Assets |\n|-|-|-|-|-|\n| DF1 | User orders | User | Web App | Order, Card number |\n| DF2 | Order stored | Web App | Amazon DynamoDB | Order |\n\n- A1 - Web App calls Payments over HTTPS"},
"mitigations": [{"id": "m1", "numericId": 1, "content": "Validate orders"}],
"mitigationLinks": [{"mitigationId": "m1", "linkedId": "t1"}],
"threats": [
  {"id": "t1", "numericId": 1, "statement": "A buyer can tamper with orders in the web app", "threatAction": "tamper with orders", "impactedAssets": ["orders in DynamoDB"]},
  {"id": "t2", "numericId": 2, "statement": "An insider can read everything", "threatAction": "read everything"}]}`
	m, ps, err := Import(context.Background(), "shop.tc.json", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("%v %v", err, ps.Errors())
	}
	foreigntest.Validate(t, m)
	ix := m.Index()
	for id, typ := range map[string]model.ComponentType{"user": "user", "web-app": "web-application", "payments": "process",
		"amazon-dynamodb": "database", "application-load-balancer": "load-balancer"} {
		if c := ix.Components[id]; c == nil || c.Type != typ {
			t.Errorf("component %s: %+v, want type %s", id, c, typ)
		}
	}
	if ix.Components["static-website-only"] != nil {
		t.Error("a heading of the architecture became a component")
	}
	flows := map[string]string{}
	for _, f := range m.Flows {
		flows[f.From+">"+f.To] = f.Name + " " + string(f.Protocol) + " " + strings.Join(f.DataSent, ",")
	}
	for pair, want := range map[string]string{"user>web-app": "DF1 User orders", "web-app>amazon-dynamodb": "DF2 Order stored",
		"web-app>payments": "A1 Web App calls Payments over HTTPS https"} {
		if !strings.HasPrefix(flows[pair], want) {
			t.Errorf("flow %s: %q, want %q", pair, flows[pair], want)
		}
	}
	if !strings.Contains(flows["user>web-app"], "card-number") {
		t.Errorf("the flow's assets were not carried: %q", flows["user>web-app"])
	}
	t1, t2 := ix.Threats["T-1"], ix.Threats["T-2"]
	if t1 == nil || !slices.Contains(t1.Targets, "web-app") || !slices.Contains(t1.Targets, "amazon-dynamodb") || slices.Contains(t1.Targets, "shop") {
		t.Errorf("T-1 targets %v", t1)
	}
	if t2 == nil || !slices.Equal(t2.Targets, []string{"shop"}) {
		t.Errorf("T-2, which names no component, targets %v", t2)
	}
	if c := ix.Components["web-app"]; c == nil || !slices.Contains(c.Controls, "M-1") {
		t.Errorf("M-1 is not on the component its threat names: %+v", c)
	}
	if n := strings.Count(ps.Error(), "read from the"); n != 8 {
		t.Errorf("%d warnings name a part read from a description, want 8 (5 components, 3 flows):\n%s", n, ps.Error())
	}
	out, _, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "threat-composer:described") || strings.Contains(string(out), "no model elements") {
		t.Errorf("the parts read from the descriptions leak into the export:\n%s", out)
	}
}
