package model

import (
	"bytes"
	"context"
	"flag"
	"github.com/rampart-sec/rampart/internal/source"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The -update flag rewrites golden files from the current output. Other test
// files of the package may declare it too; it is declared here only when no
// one else has, so that each test file stays self-contained.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/")
	}
}

// updating reports whether the test run was asked to rewrite golden files.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// testdataRead reads files relative to testdata, so that problem paths in
// golden files do not depend on where the repository is checked out.
func testdataRead(ctx context.Context, path string, limit int64) ([]byte, error) {
	return source.ReadFile(ctx, filepath.Join("testdata", path), limit)
}

// invalidCases lists the invalid models: NAME.yaml files, and directories
// whose root file is rampart.yaml (multi-file cases). Each has NAME.golden.
func invalidCases(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "invalid"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		switch {
		case e.IsDir():
			names = append(names, e.Name())
		case strings.HasSuffix(e.Name(), ".yaml"):
			names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	return names
}

func caseRoot(name string) string {
	if st, err := os.Stat(filepath.Join("testdata", "invalid", name)); err == nil && st.IsDir() {
		return "invalid/" + name + "/rampart.yaml"
	}
	return "invalid/" + name + ".yaml"
}

// caseOptions gives cases that test a limit a small limit, so that the
// fixtures stay small.
func caseOptions(name string) Options {
	opts := Options{ReadFile: testdataRead}
	switch name {
	case "too-large", "include-too-large":
		opts.MaxFileSize = 1024
	}
	return opts
}

func TestInvalidModels(t *testing.T) {
	names := invalidCases(t)
	if len(names) < 35 {
		t.Fatalf("only %d invalid models in testdata/invalid, want at least 35", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			_, problems, err := Load(context.Background(), caseRoot(name), caseOptions(name))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(problems.Errors()) == 0 {
				t.Fatalf("no errors reported for an invalid model; problems: %v", problems)
			}
			for _, p := range problems {
				if p.Pos.File == "" || p.Pos.Line <= 0 || p.Pos.Column <= 0 {
					t.Errorf("problem without a full position: %q", p)
				}
				if p.Message == "" {
					t.Errorf("problem without a message: %q", p)
				}
			}
			var buf bytes.Buffer
			for _, p := range problems {
				buf.WriteString(p.String())
				buf.WriteByte('\n')
			}
			checkGolden(t, filepath.Join("testdata", "invalid", name+".golden"), buf.Bytes())
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test ./internal/model -update' to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun with -update after checking it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// exampleRoots lists the root model files under examples/: examples/*.yaml
// and examples/*/rampart.yaml.
func exampleRoots(t testing.TB) []string {
	t.Helper()
	top, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	nested, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "rampart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	roots := append(top, nested...)
	if len(roots) < 3 {
		t.Fatalf("found %d example models, want at least 3", len(roots))
	}
	return roots
}

func TestExamplesLoadClean(t *testing.T) {
	for _, path := range exampleRoots(t) {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			m, problems, err := Load(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("%s", p)
			}
			if m.System.ID == "" || len(m.Components) == 0 || len(m.Flows) == 0 {
				t.Errorf("example %s looks empty: system %q, %d components, %d flows", path, m.System.ID, len(m.Components), len(m.Flows))
			}
		})
	}
}

// TestExamplesCoverSchema asserts that the examples, between them, set every
// key of the schema, use every treatment status, nest boundaries and split a
// model with includes: they are the reference users copy from.
func TestExamplesCoverSchema(t *testing.T) {
	used := map[string]bool{}
	statuses := map[TreatmentStatus]bool{}
	nested, included := false, false
	for _, path := range exampleRoots(t) {
		m, _, err := Load(context.Background(), path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		markUsed(reflect.ValueOf(m).Elem(), used)
		for _, tr := range m.Treatments {
			statuses[tr.Status] = true
		}
		ix := m.Index()
		for _, b := range m.TrustBoundaries {
			if _, ok := ix.Parent[b.ID]; ok {
				nested = true
			}
		}
		if len(m.Files) > 2 {
			included = true
		}
	}
	// Deprecated keys are read but warned about, so clean examples cannot set them.
	deprecated := map[string]bool{"Treatment.checked_by": true}
	var missing []string
	walkKeys(reflect.TypeOf(Model{}), map[reflect.Type]bool{}, func(key string) {
		if !used[key] && !deprecated[key] {
			missing = append(missing, key)
		}
	})
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no example sets these keys: %s", strings.Join(missing, ", "))
	}
	for _, s := range TreatmentStatus("").Values() {
		if !statuses[TreatmentStatus(s)] {
			t.Errorf("no example has a treatment with status %s", s)
		}
	}
	if !nested {
		t.Error("no example nests trust boundaries")
	}
	if !included {
		t.Error("no example splits a model over included files")
	}
}

// markUsed records "Type.key" for every yaml field holding a non-zero value.
func markUsed(v reflect.Value, used map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			markUsed(v.Elem(), used)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			markUsed(v.Index(i), used)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			markUsed(v.MapIndex(k), used)
		}
	case reflect.Struct:
		if v.Type() == dateType {
			return
		}
		si := infoOf(v.Type())
		for _, f := range si.fields {
			fv := v.Field(f.index)
			if !fv.IsZero() {
				used[v.Type().Name()+"."+f.name] = true
			}
			markUsed(fv, used)
		}
	}
}

// walkKeys calls fn with "Type.key" for every yaml field reachable from t.
func walkKeys(t reflect.Type, seen map[reflect.Type]bool, fn func(string)) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == dateType || seen[t] {
		return
	}
	seen[t] = true
	si := infoOf(t)
	for _, f := range si.fields {
		fn(t.Name() + "." + f.name)
		walkKeys(t.Field(f.index).Type, seen, fn)
	}
}

// TestExampleSchemaUpToDate keeps examples/rampart.schema.json, which the
// examples' yaml-language-server lines point at, equal to 'rampart schema'.
func TestExampleSchemaUpToDate(t *testing.T) {
	data, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("..", "..", "examples", "rampart.schema.json"), append(data, '\n'))
}

// TestAliasBombRefused checks that the loader refuses alias bombs before
// decoding them (how they are measured is tested in the input layer).
func TestAliasBombRefused(t *testing.T) {
	for _, name := range []string{"alias-bomb", "merge-bomb"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "invalid", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			l := &loader{ctx: context.Background(), opts: Options{}, seen: map[string]string{}}
			l.opts.defaults()
			if root, _ := l.parse(name, data, false); root != nil {
				t.Errorf("parse accepted the bomb; problems: %v", l.problems)
			}
		})
	}
}

// TestRuleIDsChecked checks that, given the rule ids, validation checks
// disabled rules, control mitigations and the rule part of treatment ids.
func TestRuleIDsChecked(t *testing.T) {
	src := `rampart: 1
system: {id: s, name: S, risk_owner: jane}
components:
  - {id: web, type: api, controls: [own]}
settings:
  disabled_rules: [missing-authentication, missing-authentcation]
controls:
  - {id: own, status: implemented, mitigates: [spoofing, missing-wafx]}
treatments:
  - {threat: missing-authentication@web, status: open}
  - {threat: missing-authz@web, status: open}
`
	rules := []string{"missing-authentication", "missing-authorization", "missing-waf"}
	_, problems, err := LoadBytes(context.Background(), "m.yaml", []byte(src), Options{RuleIDs: rules})
	if err != nil {
		t.Fatal(err)
	}
	got := problems.Error()
	for _, want := range []string{
		"m.yaml:6:44: settings.disabled_rules[1]: unknown rule 'missing-authentcation' (did you mean 'missing-authentication'?)",
		"m.yaml:8:58: controls[0].mitigates[1]: 'missing-wafx' is neither a rule id, a manual threat, nor a CWE-n or CAPEC-n class (did you mean 'missing-waf'?)",
		"m.yaml:11:14: treatments[1].threat: unknown rule 'missing-authz' in threat id",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing problem %q in:\n%s", want, got)
		}
	}
	if n := len(problems.Errors()); n != 3 {
		t.Errorf("%d errors, want 3:\n%s", n, got)
	}
	// Without rule ids, rule names are not checked.
	_, problems, _ = LoadBytes(context.Background(), "m.yaml", []byte(src), Options{})
	if len(problems.Errors()) != 0 {
		t.Errorf("without rule ids: %s", problems.Error())
	}
}

// TestDocsCoverSchema keeps docs/model.md complete: every key of the
// format and every enumerated value appears in it.
func TestDocsCoverSchema(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "model.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	walkKeys(reflect.TypeOf(Model{}), map[reflect.Type]bool{}, func(key string) {
		_, name, _ := strings.Cut(key, ".")
		if !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("docs/model.md does not document the key `%s` (%s)", name, key)
		}
	})
	for _, e := range []Enum{Classification(""), Rating(""), Quantity(""), ComponentType(""), Hosting(""), Authentication(""),
		Authorization(""), Encryption(""), AtRest(""), Protocol(""), DataFormat(""), Usage(""), BoundaryType(""),
		ControlStatus(""), STRIDE(""), Severity(""), TreatmentStatus("")} {
		for _, v := range e.Values() {
			if !strings.Contains(doc, "`"+v+"`") {
				t.Errorf("docs/model.md does not list the %T value `%s`", e, v)
			}
		}
	}
}
