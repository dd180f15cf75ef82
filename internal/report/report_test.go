package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// asOf fixes the analysis date so golden files do not change with the calendar.
var asOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// examples are the bundled example models, relative to the repository root.
var examples = []string{"examples/online-shop.yaml", "examples/hr-saas.yaml", "examples/iot-telemetry/rampart.yaml", "examples/rag-assistant/rampart.yaml"}

func analyse(t *testing.T, path string) *analysis.Result {
	t.Helper()
	m, problems, err := model.Load(context.Background(), path, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("%s is invalid:\n%v", path, errs)
	}
	r := analysis.Analyze(m, analysis.Options{Now: asOf, Tool: "rampart test"})
	r.Warnings = append(problems.Warnings(), r.Warnings...)
	return r
}

// textFormats are the formats with golden files here; the documents and
// diagrams are tested in their own packages.
var textFormats = []string{"table", "json", "markdown", "sarif", "csv"}

func renderFormat(t *testing.T, name string, r *analysis.Result, opts Options) []byte {
	t.Helper()
	f, err := Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(context.Background(), &buf, r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func render(t *testing.T, w Writer, r *analysis.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := w(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden renders every example in every format and compares the output
// with the reviewed files in testdata (go test -update rewrites them).
func TestGolden(t *testing.T) {
	t.Chdir("../..")
	for _, ex := range examples {
		if _, err := os.Stat(ex); err != nil {
			t.Fatalf("example %s missing: %v", ex, err)
		}
		r := analyse(t, ex)
		base := strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(ex, "examples/"), "/", "-"), ".yaml")
		for _, format := range textFormats {
			got := renderFormat(t, format, r, Options{})
			golden := filepath.Join("internal/report/testdata", base+"."+format+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/report -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s %s output differs from %s (run go test ./internal/report -update and review the diff)", ex, format, golden)
			}
		}
	}
}

// TestDeterministic checks that two analyses of the same model write the same bytes.
func TestDeterministic(t *testing.T) {
	t.Chdir("../..")
	for _, format := range textFormats {
		a := renderFormat(t, format, analyse(t, examples[0]), Options{})
		b := renderFormat(t, format, analyse(t, examples[0]), Options{})
		if !bytes.Equal(a, b) {
			t.Errorf("%s output differs between two runs", format)
		}
	}
}

// TestSARIFSchema validates SARIF output against the SARIF 2.1.0 JSON schema.
func TestSARIFSchema(t *testing.T) {
	t.Chdir("../..")
	for _, ex := range examples {
		out := render(t, SARIF, analyse(t, ex))
		rep, err := sarif.FromBytes(out)
		if err != nil {
			t.Fatalf("%s: SARIF does not parse: %v", ex, err)
		}
		if err := rep.Validate(); err != nil {
			t.Errorf("%s: SARIF fails the 2.1.0 schema: %v", ex, err)
		}
		var raw struct {
			Runs []struct {
				Results []struct {
					RuleID     string `json:"ruleId"`
					Level      string `json:"level"`
					Kind       string `json:"kind"`
					Properties struct {
						ModelWarning bool `json:"modelWarning"`
					} `json:"properties"`
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
							Region           struct{ StartLine int } `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(out, &raw); err != nil {
			t.Fatal(err)
		}
		if len(raw.Runs) != 1 || len(raw.Runs[0].Results) == 0 {
			t.Fatalf("%s: expected one run with results", ex)
		}
		warnings := 0
		for _, res := range raw.Runs[0].Results {
			// Model warnings have a level of their own, which no threat has.
			if mw := res.Properties.ModelWarning; mw != (res.Level == "none") || mw != (res.Kind == "informational") {
				t.Errorf("%s: result %s: model warning %v, level %q, kind %q", ex, res.RuleID, mw, res.Level, res.Kind)
			}
			if res.Properties.ModelWarning {
				warnings++
			}
			loc := res.Locations[0].PhysicalLocation
			if !strings.HasPrefix(loc.ArtifactLocation.URI, "examples/") || loc.Region.StartLine < 1 {
				t.Errorf("%s: result %s points at %s:%d, want a line of the example", ex, res.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine)
			}
		}
		if r := analyse(t, ex); warnings != len(r.ModelWarnings) {
			t.Errorf("%s: %d model warning results, want %d", ex, warnings, len(r.ModelWarnings))
		}
	}
}

// TestCSV checks the CSV has a row per threat and neutralises formulas.
func TestCSV(t *testing.T) {
	t.Chdir("../..")
	r := analyse(t, examples[0])
	r.Findings[0].Title = "=HYPERLINK(\"http://evil\")"
	rows, err := csv.NewReader(bytes.NewReader(render(t, CSV, r))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(r.Findings)+1 {
		t.Fatalf("got %d rows, want %d threats + header", len(rows), len(r.Findings))
	}
	found := false
	for _, row := range rows[1:] {
		if strings.Contains(row[2], "HYPERLINK") {
			found = true
			if !strings.HasPrefix(row[2], "'=") {
				t.Errorf("formula not neutralised: %q", row[2])
			}
		}
	}
	if !found {
		t.Error("the injected title is missing from the CSV")
	}
}

// TestSARIFSchemaRejects guards the schema check itself: a broken log must fail it.
func TestSARIFSchemaRejects(t *testing.T) {
	t.Chdir("../..")
	out := render(t, SARIF, analyse(t, examples[0]))
	broken := bytes.Replace(out, []byte(`"level": "`), []byte(`"level": "bogus-`), 1)
	rep, err := sarif.FromBytes(broken)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Validate() == nil {
		t.Error("a result with level bogus-* passed the SARIF schema")
	}
}

// ruleLevel are the threat fields the JSON writes once per rule.
var ruleLevel = []string{"title", "stride", "category", "cwe", "capec", "attack", "base_likelihood", "base_impact", "mitigations", "threagile", "linddun", "countermeasures", "concern"}

// TestJSONLosesNothing expands the lean JSON (a threat without a rule-level
// field takes its rule's) and compares it with the full threats as
// encoding/json writes them: every field of every threat must survive.
func TestJSONLosesNothing(t *testing.T) {
	t.Chdir("../..")
	for _, ex := range examples {
		r := analyse(t, ex)
		var lean struct {
			FormatVersion string                       `json:"format_version"`
			Rules         []map[string]json.RawMessage `json:"rules"`
			Threats       []map[string]json.RawMessage `json:"threats"`
		}
		out := render(t, JSON, r)
		if err := json.Unmarshal(out, &lean); err != nil {
			t.Fatal(err)
		}
		if lean.FormatVersion != "2.0" {
			t.Errorf("%s: format_version %q", ex, lean.FormatVersion)
		}
		full, err := json.Marshal(r.Findings)
		if err != nil {
			t.Fatal(err)
		}
		var want []map[string]json.RawMessage
		if err := json.Unmarshal(full, &want); err != nil {
			t.Fatal(err)
		}
		rules := map[string]map[string]json.RawMessage{}
		for _, rl := range lean.Rules {
			var id string
			if err := json.Unmarshal(rl["id"], &id); err != nil {
				t.Fatal(err)
			}
			rules[id] = rl
		}
		if len(lean.Threats) != len(want) {
			t.Fatalf("%s: %d threats, want %d", ex, len(lean.Threats), len(want))
		}
		inherited := 0
		for i, th := range lean.Threats {
			var rule string
			if err := json.Unmarshal(th["rule"], &rule); err != nil {
				t.Fatal(err)
			}
			for _, k := range ruleLevel {
				if _, ok := th[k]; !ok {
					if v, ok := rules[rule][k]; ok {
						th[k] = v
						inherited++
					}
				}
			}
			for k, v := range th {
				if isEmptyJSON(v) && want[i][k] == nil {
					delete(th, k) // an explicit empty override of a field the full form omits
				}
			}
			got, _ := json.Marshal(th)
			exp, _ := json.Marshal(want[i])
			if !bytes.Equal(canonical(t, got), canonical(t, exp)) {
				t.Errorf("%s: threat %d expands to\n%s\nwant\n%s", ex, i, got, exp)
			}
		}
		if inherited == 0 {
			t.Errorf("%s: no threat takes a field from its rule; the test proves nothing", ex)
		}
	}
}

func isEmptyJSON(v json.RawMessage) bool {
	s := strings.TrimSpace(string(v))
	return s == "[]" || s == `""` || s == "0"
}

// canonical re-encodes JSON with sorted keys.
func canonical(t *testing.T, b []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// BenchmarkJSON10000 writes the analysis JSON of a 10,000-component model
// (the analysis runs once, outside the timing).
func BenchmarkJSON10000(b *testing.B) {
	r := analysis.Analyze(reporttest.Model(10000), analysis.Options{Now: asOf})
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := JSON(&buf, r); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len())/1e6, "MB")
	}
}
