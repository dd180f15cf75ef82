package threatdragon

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
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
	dir := foreigntest.Fixtures(t, "threat-dragon")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Threat Dragon fixtures in %s", dir)
	}
	sort.Strings(files)
	return files
}

func importFile(t *testing.T, path string) (*model.Model, model.Problems) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !Detect(data) {
		t.Errorf("%s: not detected as Threat Dragon", path)
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

func base(path string) string { return strings.TrimSuffix(filepath.Base(path), ".json") }

func TestImportFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			m, ps := importFile(t, path)
			foreigntest.Validate(t, m)
			if len(m.Components) == 0 || len(m.Flows) == 0 {
				t.Errorf("imported %d components and %d flows, expected some of each", len(m.Components), len(m.Flows))
			}
			foreigntest.Golden(t, base(path)+".golden.json", foreigntest.ModelJSON(t, m, ps))
			foreigntest.Golden(t, base(path)+".golden.yaml", foreigntest.Reload(t, m, "rampart.yaml"))
		})
	}
}

// TestImportDemoDetails checks the mapping on Threat Dragon's own demo model.
func TestImportDemoDetails(t *testing.T) {
	var path string
	for _, p := range fixtures(t) {
		if base(p) == "v2-threat-model" {
			path = p
		}
	}
	if path == "" {
		t.Fatal("v2-threat-model.json missing from the fixtures")
	}
	m, _ := importFile(t, path)
	ix := m.Index()
	// The actor named Browser is a browser (its name says so), a client
	// people use, which Rampart counts among the processes.
	want := map[string]string{"browser": model.KindProcess, "web-application": model.KindProcess, "database": model.KindDataStore}
	for id, kind := range want {
		c := ix.Components[id]
		if c == nil {
			t.Errorf("component %s missing", id)
			continue
		}
		if c.Type.Kind() != kind {
			t.Errorf("component %s is a %s, want %s", id, c.Type.Kind(), kind)
		}
	}
	if !ix.Components["web-application-config"].OutOfScope {
		t.Error("out-of-scope store not marked out of scope")
	}
	// The loose "Web Request" flow is attached to the browser next to its end.
	var webRequest *model.Flow
	for i := range m.Flows {
		if m.Flows[i].Name == "Web Request" {
			webRequest = &m.Flows[i]
		}
	}
	if webRequest == nil || webRequest.From != "browser" || webRequest.To != "web-application" {
		t.Errorf("Web Request flow = %+v, want browser -> web-application", webRequest)
	}
	status := map[string]model.TreatmentStatus{}
	for _, tr := range m.Treatments {
		status[tr.Threat] = tr.Status
	}
	byTitle := map[string]model.ManualThreat{}
	for _, th := range m.Threats {
		byTitle[th.Title] = th
	}
	cred := byTitle["Accessing DB credentials"]
	if cred.ID == "" || status[cred.ID] != "open" || len(cred.STRIDE) != 1 || cred.STRIDE[0] != model.InformationDisclosure ||
		cred.Likelihood != 4 || len(cred.Targets) != 1 || cred.Targets[0] != "worker-config" {
		t.Errorf("Accessing DB credentials imported as %+v (status %s)", cred, status[cred.ID])
	}
	fake := byTitle["Fake messages could be placed on the queue"]
	if status[fake.ID] != "mitigated" || len(fake.Mitigations) != 1 || ix.Controls[fake.Mitigations[0]].Status != "implemented" {
		t.Errorf("mitigated threat imported as %+v (status %s)", fake, status[fake.ID])
	}
	// The curve between the web application and the database puts the database in a boundary.
	if p := ix.Parent["database"]; p == "" {
		t.Error("database is in no trust boundary; the curve around it was ignored")
	}
}

// exportModel exports with the built-in rules' threats, or with the
// test's own findings when stable is set (for golden files).
func exportModel(t *testing.T, m *model.Model, stable bool) ([]byte, model.Problems) {
	t.Helper()
	found := threats.Identify(m, builtin.Rules())
	if stable {
		found = foreigntest.Findings(m)
	}
	out, ps, err := Export(context.Background(), m, found)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out) {
		t.Fatal("export is not valid JSON")
	}
	return out, ps
}

func TestExportFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			m, _ := importFile(t, path)
			out, ps := exportModel(t, m, true)
			foreigntest.Golden(t, base(path)+".export.golden.json", out)
			foreigntest.Golden(t, base(path)+".export.problems.golden.txt", []byte(ps.Error()+"\n"))
			checkShape(t, out)
		})
	}
}

// checkShape verifies what Threat Dragon needs to open the file: version,
// summary title, cells with ids, shapes and data types; flows joined to
// existing node cells; nodes inside their boundary boxes.
func checkShape(t *testing.T, out []byte) {
	t.Helper()
	var f tdFile
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.Version, "2.") || f.Summary.Title == "" || len(f.Detail.Diagrams) != 1 {
		t.Fatalf("bad header: version %q, title %q, %d diagrams", f.Version, f.Summary.Title, len(f.Detail.Diagrams))
	}
	nodes := map[string]tdCell{}
	for _, c := range f.Detail.Diagrams[0].Cells {
		if c.ID == "" || c.Shape == "" || c.Data.Type == "" {
			t.Errorf("cell without id, shape or type: %+v", c)
		}
		if c.Position != nil {
			nodes[c.ID] = c
		}
	}
	for _, c := range f.Detail.Diagrams[0].Cells {
		if c.Shape == "flow" {
			// A loose end (a point) is drawn where the imported file had it.
			if _, ok := nodes[c.Source.Cell]; !ok && c.Source.X == nil {
				t.Errorf("flow %s source %s is not a node", c.ID, c.Source.Cell)
			}
			if _, ok := nodes[c.Target.Cell]; !ok && c.Target.X == nil {
				t.Errorf("flow %s target %s is not a node", c.ID, c.Target.Cell)
			}
		}
	}
	// No two nodes overlap.
	var list []tdCell
	for _, c := range nodes {
		if c.Shape != "trust-boundary-box" {
			list = append(list, c)
		}
	}
	for i := range list {
		for j := i + 1; j < len(list); j++ {
			a, b := list[i], list[j]
			if a.Position.X < b.Position.X+b.Size.Width && b.Position.X < a.Position.X+a.Size.Width &&
				a.Position.Y < b.Position.Y+b.Size.Height && b.Position.Y < a.Position.Y+a.Size.Height {
				t.Errorf("cells %s and %s overlap", a.ID, b.ID)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			m1, _ := importFile(t, path)
			out, _ := exportModel(t, m1, false)
			m2, ps, err := Import(context.Background(), "exported.json", out, formats.Options{})
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
		})
	}
}

// TestExportRuleThreats checks that identified threats land on their
// element's cell and come back as register entries, not as manual threats.
func TestExportRuleThreats(t *testing.T) {
	src := `rampart: 1
system: {id: shop, name: Shop}
data:
  - {id: orders, classification: confidential}
components:
  - {id: user, type: user}
  - {id: api, type: api, processes: [orders]}
  - {id: db, type: database, stores: [orders]}
trust_boundaries:
  - {id: dmz, type: network-segment, contains: [api, core]}
  - {id: core, type: network-segment, contains: [db]}
  - {id: empty, type: network-segment}
flows:
  - {id: user-to-api, from: user, to: api, protocol: http}
  - {id: api-to-db, from: api, to: db, protocol: sql, authentication: password}
threats:
  - {id: T-1, title: Order tampering, stride: [tampering], targets: [api, db]}
treatments:
  - {threat: missing-authentication@user-to-api, status: false-positive, justification: internal only}
`
	m, ps, err := model.LoadBytes(context.Background(), "shop.yaml", []byte(src), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("test model: %v %v", err, ps.Errors())
	}
	found := threats.Identify(m, builtin.Rules())
	out, eps, err := Export(context.Background(), m, found)
	if err != nil {
		t.Fatal(err)
	}
	var f tdFile
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatal(err)
	}
	on := map[string][]string{}
	for _, c := range f.Detail.Diagrams[0].Cells {
		for _, th := range c.Data.Threats {
			on[th.ID] = append(on[th.ID], c.ID+"/"+th.Status)
		}
	}
	if got := strings.Join(on["missing-authentication@user-to-api"], ","); got != "user-to-api/NotApplicable" {
		t.Errorf("missing-authentication@user-to-api is on %q, want user-to-api/NotApplicable", got)
	}
	if got := strings.Join(on["T-1"], ","); got != "api/Open,db/Open" {
		t.Errorf("T-1 is on %q, want api/Open,db/Open", got)
	}
	if !strings.Contains(eps.Error(), "data assets (orders)") {
		t.Errorf("no warning about the dropped data assets:\n%v", eps)
	}
	m2, ps2, err := Import(context.Background(), "shop.json", out, formats.Options{})
	if err != nil || len(ps2.Errors()) > 0 {
		t.Fatalf("re-import: %v %v", err, ps2.Errors())
	}
	if d := foreign.Diff(m, m2); len(d) > 0 {
		t.Errorf("round trip from Rampart changed the model:\n%s", strings.Join(d, "\n"))
	}
	var treated bool
	for _, tr := range m2.Treatments {
		if tr.Threat == "missing-authentication@user-to-api" && tr.Status == "false-positive" {
			treated = true
		}
	}
	if !treated {
		t.Errorf("the identified threat's status did not come back as a treatment: %+v", m2.Treatments)
	}
	for _, th := range m2.Threats {
		if strings.HasPrefix(th.Title, "Missing authentication") {
			t.Errorf("identified threat re-imported as a manual threat: %+v", th)
		}
	}
}

func TestBadFiles(t *testing.T) {
	cases := []struct{ name, src string }{
		{"syntax", "{\n  \"summary\": {\"title\": \"x\"},\n  \"detail\": {\"diagrams\": [}\n}"},
		{"v1", `{"summary": {"title": "Old"}, "detail": {"contributors": [], "diagrams": [{"title": "d", "diagramJson": {"cells": []}}]}}`},
		{"wrong-version", `{"version": "3.0.0", "summary": {"title": "x"}, "detail": {"diagrams": []}}`},
		{"missing-id", `{"version": "2.3.0", "summary": {"title": "x"}, "detail": {"diagrams": [{"cells": [
  {"shape": "actor", "data": {"type": "tm.Actor", "name": "User"}}]}]}}`},
		{"dangling-flow", `{"version": "2.3.0", "summary": {"title": "x"}, "detail": {"diagrams": [{"cells": [
  {"id": "a", "shape": "actor", "position": {"x": 0, "y": 0}, "size": {"width": 100, "height": 50}, "data": {"type": "tm.Actor", "name": "User"}},
  {"id": "f", "shape": "flow", "source": {"cell": "a"}, "target": {"cell": "ghost"}, "data": {"type": "tm.Flow", "name": "Call"}}]}]}}`},
		{"wrong-types", `{"version": "2.3.0", "summary": {"title": 5}, "detail": {"diagrams": [{"cells": [
  {"id": "a", "shape": "process", "data": {"type": "tm.Process", "name": "P", "outOfScope": "no", "threats": [{"title": "T", "status": "Maybe", "severity": 3}]}}]}]}}`},
		{"missing-detail", `{"version": "2.3.0", "summary": {"title": "x"}}`},
	}
	var report strings.Builder
	for _, c := range cases {
		_, ps, err := Import(context.Background(), c.name+".json", []byte(c.src), formats.Options{})
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

// TestThreatFieldsRoundTrip checks the threat fields Rampart keeps in text:
// a custom score and a category from another methodology.
func TestThreatFieldsRoundTrip(t *testing.T) {
	src := `{"version": "2.3.0", "summary": {"title": "x"}, "detail": {"diagrams": [{"cells": [
  {"id": "p", "shape": "process", "position": {"x": 0, "y": 0}, "size": {"width": 100, "height": 100},
   "data": {"type": "tm.Process", "name": "P", "threats": [
     {"id": "t-1", "title": "Linkable", "status": "NA", "severity": "Low", "type": "Linking", "modelType": "LINDDUN", "description": "d", "mitigation": "m", "score": "7.5"}]}}]}]}}`
	m, ps, err := Import(context.Background(), "x.json", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	if !strings.Contains(ps.Error(), "no STRIDE equivalent") {
		t.Errorf("no warning about the LINDDUN category:\n%v", ps)
	}
	out, _, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	var f tdFile
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatal(err)
	}
	th := f.Detail.Diagrams[0].Cells[0].Data.Threats[0]
	if th.ID != "t-1" || th.Score != "7.5" || th.Status != "NA" || th.Severity != "Low" || th.Mitigation != "m" ||
		th.Type != "Linking" || th.ModelType != "LINDDUN" || th.Description != "d" {
		t.Errorf("threat exported as %+v", th)
	}
}

func TestRegistered(t *testing.T) {
	f, err := formats.Lookup(Name)
	if err != nil || f.Import == nil || f.Export == nil {
		t.Fatalf("format not registered: %v", err)
	}
	if formats.Detect([]byte(`{"summary": {"title": "x"}, "detail": {"diagrams": []}}`)) != Name {
		t.Error("Threat Dragon content not detected")
	}
	if Detect([]byte("rampart: 1\n")) {
		t.Error("a Rampart model detected as Threat Dragon")
	}
}

func FuzzImport(f *testing.F) {
	f.Add([]byte(`{"version": "2.3.0", "summary": {"title": "x"}, "detail": {"diagrams": [{"cells": [
  {"id": "a", "shape": "actor", "position": {"x": 0, "y": 0}, "size": {"width": 100, "height": 50}, "data": {"type": "tm.Actor", "name": "User", "threats": [{"title": "T", "status": "Open"}]}},
  {"id": "b", "shape": "store", "position": {"x": 300, "y": 0}, "size": {"width": 100, "height": 50}, "data": {"type": "tm.Store", "name": "DB"}},
  {"id": "c", "shape": "trust-boundary-curve", "source": {"x": 200, "y": -100}, "target": {"x": 200, "y": 200}, "data": {"type": "tm.Boundary"}},
  {"id": "f", "shape": "flow", "source": {"cell": "a"}, "target": {"x": 301, "y": 10}, "data": {"type": "tm.Flow", "name": "Call", "protocol": "HTTP/S"}}]}]}}`))
	f.Add([]byte(`{"summary": {}, "detail": {"diagrams": [{"diagramJson": {}}]}}`))
	f.Add([]byte(`[1, 2]`))
	f.Fuzz(foreigntest.FuzzImport("fuzz.json", Import, Export))
}

func BenchmarkImport(b *testing.B) {
	dir := foreigntest.Fixtures(b, "threat-dragon")
	data, err := os.ReadFile(filepath.Join(dir, "v2-threat-model.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ps, err := Import(context.Background(), "v2-threat-model.json", data, formats.Options{}); err != nil || len(ps.Errors()) > 0 {
			b.Fatal(err, ps.Errors())
		}
	}
}

// BenchmarkExport lays out and writes a model of 500 components.
func BenchmarkExport(b *testing.B) {
	m := &model.Model{Rampart: 1, System: model.System{ID: "big", Name: "Big"}}
	for i := range 500 {
		id := "c" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + itoa(i)
		m.Components = append(m.Components, model.Component{ID: id, Type: "process"})
		if i > 0 {
			m.Flows = append(m.Flows, model.Flow{ID: "f" + itoa(i), From: m.Components[i/2].ID, To: id, Protocol: "https"})
		}
	}
	for i := range 20 {
		b := model.TrustBoundary{ID: "b" + itoa(i), Type: "network-segment"}
		for j := i * 25; j < i*25+25; j++ {
			b.Contains = append(b.Contains, m.Components[j].ID)
		}
		m.TrustBoundaries = append(m.TrustBoundaries, b)
	}
	for b.Loop() {
		if _, _, err := Export(context.Background(), m, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestFixedPoint checks, for every fixture, with the threats the built-in
// rules identify: import→export→import gives the same Rampart model byte
// for byte; export→import→export gives the same file; and the export shows
// a Threat Dragon user what the original did (diagram titles and types,
// cell ids, shapes, names, positions, sizes, line routes and ends, and
// each threat's id, title, status, severity, type and model type).
func TestFixedPoint(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(base(path), func(t *testing.T) {
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m1, _ := importFile(t, path)
			e1, _ := exportModel(t, m1, false)
			m2, ps, err := Import(context.Background(), "exported.json", e1, formats.Options{})
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
			e2, _ := exportModel(t, m2, false)
			if string(e1) != string(e2) {
				t.Errorf("export→import→export changed the file:\n%s", foreigntest.FirstDiff(e1, e2))
			}
			if a, b := visible(t, orig), visible(t, e1); a != b {
				t.Errorf("the export shows something else than the original:\n%s", foreigntest.FirstDiff([]byte(a), []byte(b)))
			}
		})
	}
}

// visible renders what a Threat Dragon user sees of a file, one line per
// diagram, cell and threat, sorted. Threats Rampart's rules add are left
// out (their ids name a rule).
func visible(t *testing.T, data []byte) string {
	t.Helper()
	var f struct {
		Detail struct {
			Diagrams []struct {
				Title, DiagramType string
				Cells              []struct {
					ID, Shape      string
					Position, Size map[string]float64
					Source, Target map[string]any
					Vertices       []map[string]float64
					Data           struct {
						Name    string
						Threats []struct {
							ID, Title, Status, Severity, Type, ModelType string
							Number                                       float64
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	var lines []string
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	for _, d := range f.Detail.Diagrams {
		lines = append(lines, "diagram "+d.Title+" "+d.DiagramType)
		for _, c := range d.Cells {
			if len(c.Vertices) == 0 {
				c.Vertices = nil
			}
			lines = append(lines, strings.Join([]string{"cell", c.ID, c.Shape, js(c.Data.Name), js(c.Position), js(c.Size), js(c.Source), js(c.Target), js(c.Vertices)}, " "))
			for _, th := range c.Data.Threats {
				if strings.Contains(th.ID, "@") {
					continue
				}
				lines = append(lines, strings.Join([]string{"threat", c.ID, th.ID, js(th.Title), th.Status, th.Severity, th.Type, th.ModelType, js(th.Number)}, " "))
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// TestKeepsWhatTheFileSays round-trips a Threat Dragon 2.6 file with what
// the shared fixtures lack: a LINDDUN diagram, every 2.6 status, a Critical
// severity, non-STRIDE categories, a name with a line break, an unnamed
// actor and an unnamed flow. Each must come back as written.
func TestKeepsWhatTheFileSays(t *testing.T) {
	src := `{"version": "2.6.0", "summary": {"title": "Privacy"}, "detail": {"diagrams": [{"id": 3, "title": "Personal data", "diagramType": "LINDDUN", "cells": [
  {"id": "c1", "shape": "process", "position": {"x": 10, "y": 20}, "size": {"width": 100, "height": 100},
   "data": {"type": "tm.Process", "name": "Web\nServer", "threats": [
     {"id": "a1", "title": "Accepted one", "status": "Accepted", "severity": "Critical", "type": "Linking", "modelType": "LINDDUN", "number": 4},
     {"id": "a2", "title": "Transferred one", "status": "Transferred", "severity": "High", "type": "Identifying", "modelType": "LINDDUN", "number": 5},
     {"id": "a3", "title": "Avoided one", "status": "Avoided", "severity": "Medium", "type": "Integrity", "modelType": "CIA", "number": 6},
     {"id": "a4", "title": "Eliminated one", "status": "Eliminated", "severity": "Low", "type": "Spoofing", "modelType": "STRIDE", "number": 7},
     {"id": "a5", "title": "Not applicable one", "status": "NotApplicable", "severity": "Low", "type": "Tampering", "modelType": "STRIDE", "number": 8}]}},
  {"id": "c2", "shape": "store", "position": {"x": 300, "y": 20}, "size": {"width": 160, "height": 80}, "data": {"type": "tm.Store", "name": "DB"}},
  {"id": "a0", "shape": "actor", "position": {"x": 10, "y": 300}, "size": {"width": 160, "height": 80}, "data": {"type": "tm.Actor", "name": ""}},
  {"id": "f1", "shape": "flow", "source": {"cell": "c1"}, "target": {"cell": "c2"}, "data": {"type": "tm.Flow", "name": ""}}]}]}}`
	m, ps, err := Import(context.Background(), "privacy.json", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	out, _, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	var f tdFile
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatal(err)
	}
	if f.Version != "2.6.0" || len(f.Detail.Diagrams) != 1 {
		t.Fatalf("version %s, %d diagrams", f.Version, len(f.Detail.Diagrams))
	}
	dg := f.Detail.Diagrams[0]
	if dg.ID != 3 || dg.Title != "Personal data" || dg.DiagramType != "LINDDUN" {
		t.Errorf("diagram written as %d %q %q", dg.ID, dg.Title, dg.DiagramType)
	}
	cells := map[string]tdCell{}
	for _, c := range dg.Cells {
		cells[c.ID] = c
	}
	if c := cells["c1"]; c.Data.Name != "Web\nServer" || c.Position == nil || c.Position.X != 10 || c.Position.Y != 20 {
		t.Errorf("process written as %q at %+v", c.Data.Name, c.Position)
	}
	if c, ok := cells["f1"]; !ok || c.Data.Name != "" {
		t.Errorf("unnamed flow written as %+v", c.Data)
	}
	if c, ok := cells["a0"]; !ok || c.Data.Name != "" {
		t.Errorf("unnamed actor written as %+v", c.Data)
	}
	want := []tdThreat{
		{ID: "a1", Title: "Accepted one", Status: "Accepted", Severity: "Critical", Type: "Linking", ModelType: "LINDDUN", Number: 4},
		{ID: "a2", Title: "Transferred one", Status: "Transferred", Severity: "High", Type: "Identifying", ModelType: "LINDDUN", Number: 5},
		{ID: "a3", Title: "Avoided one", Status: "Avoided", Severity: "Medium", Type: "Integrity", ModelType: "CIA", Number: 6},
		{ID: "a4", Title: "Eliminated one", Status: "Eliminated", Severity: "Low", Type: "Spoofing", ModelType: "STRIDE", Number: 7},
		{ID: "a5", Title: "Not applicable one", Status: "NotApplicable", Severity: "Low", Type: "Tampering", ModelType: "STRIDE", Number: 8},
	}
	got := cells["c1"].Data.Threats
	if len(got) != len(want) {
		t.Fatalf("%d threats written, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.ID || g.Title != w.Title || g.Status != w.Status || g.Severity != w.Severity || g.Type != w.Type ||
			g.ModelType != w.ModelType || g.Number != w.Number || g.Description != "" {
			t.Errorf("threat %d written as %+v, want %+v", i, g, w)
		}
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

// TestInferenceFromNames checks that what names and labels say becomes
// the model's types and protocols, each a warning at the cell, and that
// an export writes the file's own shapes and protocol texts back, with
// nothing inferred in it.
func TestInferenceFromNames(t *testing.T) {
	cell := func(id, shape, typ, name, extra string) string {
		return `{"id": "` + id + `", "shape": "` + shape + `", "position": {"x": 0, "y": 0}, "size": {"width": 100, "height": 100},
   "data": {"type": "` + typ + `", "name": "` + name + `"` + extra + `}}`
	}
	flow := func(id, src, dst, name, proto string) string {
		return `{"id": "` + id + `", "shape": "flow", "source": {"cell": "` + src + `"}, "target": {"cell": "` + dst + `"},
   "data": {"type": "tm.Flow", "name": "` + name + `", "protocol": "` + proto + `"}}`
	}
	src := `{"version": "2.3.0", "summary": {"title": "Shop"}, "detail": {"diagrams": [{"cells": [
  ` + cell("b", "actor", "tm.Actor", "Browser", "") + `,
  ` + cell("m", "actor", "tm.Actor", "Mobile App", "") + `,
  ` + cell("w", "process", "tm.Process", "Web Application", "") + `,
  ` + cell("d", "store", "tm.Store", "MySQL database", `, "storesCredentials": true`) + `,
  ` + flow("f1", "b", "w", "Page", "HTTPS") + `,
  ` + flow("f2", "m", "w", "Updates", "Websocket Secure") + `,
  ` + flow("f3", "w", "d", "SQL", "") + `]}]}}`
	m, ps, err := Import(context.Background(), "shop.json", []byte(src), formats.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("import: %v %v", err, ps.Errors())
	}
	foreigntest.Validate(t, m)
	ix := m.Index()
	for id, want := range map[string]string{"b": "browser", "m": "mobile-app", "w": "web-application", "d": "database mysql"} {
		c := ix.Components[id]
		if c == nil || strings.TrimSpace(string(c.Type)+" "+c.Technology) != want {
			t.Errorf("component %s: %+v, want %s", id, c, want)
		}
	}
	for name, want := range map[string]model.Protocol{"Page": "https", "Updates": "wss", "SQL": "sql"} {
		for _, f := range m.Flows {
			if f.Name == name && f.Protocol != want {
				t.Errorf("flow %s: protocol %s, want %s", name, f.Protocol, want)
			}
		}
	}
	warnings := ps.Error()
	for _, want := range []string{
		"shop.json:2:3: warning: detail.diagrams[0].cells[0]: component 'b': inferred type browser",
		"shop.json:8:3: warning: detail.diagrams[0].cells[3]: component 'd': inferred type database (from 'mysql') and technology mysql",
		"component 'w': inferred internet-facing",
		"inferred protocol wss (from 'websocket secure')",
		"the file models no data assets",
		"stored by the 1 components the file says store credentials",
	} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	out, _, err := Export(context.Background(), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	var in, back tdFile
	if err := json.Unmarshal([]byte(src), &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	shapes := func(f tdFile) map[string]string {
		out := map[string]string{}
		for _, c := range f.Detail.Diagrams[0].Cells {
			proto := ""
			if c.Data.Protocol != nil {
				proto = *c.Data.Protocol
			}
			out[c.ID] = c.Shape + " " + c.Data.Type + " " + proto
		}
		return out
	}
	if a, b := shapes(in), shapes(back); !maps.Equal(a, b) {
		t.Errorf("the export changed what the file said:\nwas %v\nnow %v", a, b)
	}
	for _, leak := range []string{"inferred", "mysql\"", "application-data", "internet"} {
		if strings.Contains(strings.ToLower(string(out)), leak) {
			t.Errorf("the export holds %q, which only inference said:\n%s", leak, out)
		}
	}
}
