// Package foreigntest helps the tests of the foreign-format packages: it
// finds the shared fixtures of other tools, compares golden files and
// renders imported models for them.
package foreigntest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/foreign"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/testfixtures"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// Update rewrites golden files instead of comparing with them (go test -update).
var Update = flag.Bool("update", false, "rewrite golden files")

// Fixtures returns the directory of the shared fixtures for one tool (e.g.
// "otm"), found by walking up from the working directory to the repository
// root (the directory holding go.mod) and looking beside it. When the
// fixtures are absent the test is skipped, except in CI (CI=true) where it fails.
func Fixtures(t testing.TB, tool string) string {
	t.Helper()
	return testfixtures.Path(t, tool)
}

// Golden compares got with the file testdata/name, or writes it with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, got, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file missing (run go test -update): %v", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the output (run go test -update and review the diff); got:\n%s", path, firstLines(got, 40))
	}
}

// FirstDiff shows the first line where two outputs differ, with its number.
func FirstDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b []byte
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if !bytes.Equal(a, b) {
			return "line " + strconv.Itoa(i+1) + ":\n  was: " + string(a) + "\n  now: " + string(b)
		}
	}
	return "no difference"
}

func firstLines(b []byte, n int) string {
	lines := bytes.SplitN(b, []byte("\n"), n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// ModelJSON renders an imported model and its problems as indented JSON for golden files.
func ModelJSON(t testing.TB, m *model.Model, problems model.Problems) []byte {
	t.Helper()
	out, err := json.MarshalIndent(struct {
		Model    *model.Model   `json:"model"`
		Problems model.Problems `json:"problems,omitempty"`
	}{m, problems}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// Validate checks an imported model as Rampart's own loader would (with
// the built-in rule ids known), and fails the test on any error.
func Validate(t testing.TB, m *model.Model) model.Problems {
	t.Helper()
	ps := model.Validate(m, model.Options{RuleIDs: threats.RuleIDs(builtin.Rules())})
	if errs := ps.Errors(); len(errs) > 0 {
		t.Errorf("imported model is invalid:\n%v", errs)
	}
	return ps
}

// Reload writes an imported model as Rampart YAML, loads it back with
// Rampart's own loader and checks that it is valid and unchanged. It
// returns the YAML for golden files.
func Reload(t testing.TB, m *model.Model, name string) []byte {
	t.Helper()
	out, err := model.Marshal(m)
	if err != nil {
		t.Fatalf("write Rampart YAML: %v", err)
	}
	back, ps, err := model.LoadBytes(context.Background(), name, out, model.Options{RuleIDs: threats.RuleIDs(builtin.Rules())})
	if err != nil {
		t.Fatal(err)
	}
	if errs := ps.Errors(); len(errs) > 0 {
		t.Errorf("the written Rampart model does not load:\n%v", errs)
	}
	if d := foreign.Diff(m, back); len(d) > 0 {
		t.Errorf("writing and loading changed the model:\n%s", strings.Join(d, "\n"))
	}
	return out
}

// Findings returns identified threats for golden export tests, made by the
// test itself so that changes to the built-in rules' wording do not change
// the goldens: one per flow and one on the first component.
func Findings(m *model.Model) []threats.Threat {
	var out []threats.Threat
	for _, f := range m.Flows {
		out = append(out, threats.Threat{ID: "example-unauthenticated-flow@" + f.ID, Rule: "example-unauthenticated-flow", Origin: threats.OriginRule,
			Title: "Unauthenticated flow", Description: "The flow " + f.ID + " does not authenticate its caller.",
			STRIDE: []model.STRIDE{model.Spoofing}, Targets: []string{f.ID}, Likelihood: 4, Impact: 3, Mitigations: []string{"mtls"}})
	}
	if len(m.Components) > 0 {
		c := m.Components[0]
		out = append(out, threats.Threat{ID: "example-unhardened@" + c.ID, Rule: "example-unhardened", Origin: threats.OriginRule,
			Title: "Unhardened component", Description: "Component " + c.ID + " is not hardened.",
			STRIDE: []model.STRIDE{model.Tampering, model.ElevationOfPrivilege}, Targets: []string{c.ID}, Likelihood: 2, Impact: 2})
	}
	return out
}

// FuzzImport is the body of the importers' fuzz tests: importing any input
// (named name) returns no error and does not panic, every problem has a
// position, and a model imported without errors exports again.
func FuzzImport(name string,
	imp func(context.Context, string, []byte, formats.Options) (*model.Model, model.Problems, error),
	exp func(context.Context, *model.Model, []threats.Threat) ([]byte, model.Problems, error),
) func(*testing.T, []byte) {
	return func(t *testing.T, data []byte) {
		m, ps, err := imp(context.Background(), name, data, formats.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Pos.Line <= 0 {
				t.Fatalf("problem without a position: %v", p)
			}
		}
		if m != nil && len(ps.Errors()) == 0 {
			if _, _, err := exp(context.Background(), m, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]*jsonschema.Schema{}
)

// Schema compiles one of the official JSON Schemas in shared/fixtures/schemas
// (by file name), following the draft the schema names. The OpenAPI keyword
// `nullable: true` (the Threat Dragon schema uses it, and Threat Dragon's own
// validator, Ajv, honours it) is read as allowing null besides the type.
func Schema(t testing.TB, file string) *jsonschema.Schema {
	t.Helper()
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s := schemaCache[file]; s != nil {
		return s
	}
	path := filepath.Join(testfixtures.Path(t, "schemas"), file)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	nullable(doc)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(path, doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	schemaCache[file] = s
	return s
}

// nullable rewrites {type: T, nullable: true} as {type: [T, "null"]}.
func nullable(v any) {
	switch x := v.(type) {
	case map[string]any:
		if n, _ := x["nullable"].(bool); n {
			if typ, ok := x["type"].(string); ok {
				x["type"] = []any{typ, "null"}
			}
			delete(x, "nullable")
		}
		for _, c := range x {
			nullable(c)
		}
	case []any:
		for _, c := range x {
			nullable(c)
		}
	}
}

// ValidateSchema checks a document (JSON, or YAML holding the same data)
// against an official schema and reports each violation.
func ValidateSchema(t testing.TB, file string, data []byte) {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	// Through JSON, so that numbers and maps have the types the validator reads.
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if err := Schema(t, file).Validate(inst); err != nil {
		t.Errorf("the export does not validate against %s:\n%v", file, err)
	}
}
