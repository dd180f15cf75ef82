package model

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var updateWrite = flag.Bool("update", false, "rewrite golden files under testdata/")

// fullModel builds a model that sets every field the schema has, with
// values chosen to stress quoting (numbers, booleans, colons, comments).
func fullModel(t *testing.T) *Model {
	t.Helper()
	day := func(s string) *Date {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	return &Model{
		Rampart:  1,
		Includes: []string{"more.yaml"},
		System: System{ID: "payments", Name: "Payments: card processing", Description: "Takes card payments.\nSecond line # not a comment.\n",
			Owner: "team-payments", RiskOwner: "jane", RiskAcceptors: []string{"bob"}, Classification: "official-sensitive",
			Reviewed: day("2026-01-15"), Tags: []string{"pci", "true", "1.5", "null", "~"}},
		RiskAppetite: &RiskAppetite{MaxSeverity: "medium", ByCategory: map[string]Severity{"privacy": "low", "tampering": "high"}},
		Settings: &Settings{ReviewIntervalDays: 180, MaxAcceptanceDays: 90, DisabledRules: []string{"missing-waf"},
			Matrix: &Matrix{LikelihoodNames: []string{"rare", "unlikely", "possible", "likely", "certain"},
				Bands: [][]Severity{{"low", "low", "low", "medium", "medium"}, {"low", "low", "medium", "medium", "high"},
					{"low", "medium", "medium", "high", "high"}, {"medium", "medium", "high", "high", "critical"},
					{"medium", "high", "high", "critical", "critical"}}}},
		Data: []DataAsset{
			{ID: "card-data", Name: "Card data", Classification: "restricted", CIA: CIA{Confidentiality: "critical", Integrity: "high", Availability: "medium"},
				Personal: true, Quantity: "very-many", Owner: "payments", Tags: []string{"pci"},
				Description: strings.Repeat("A long description that goes on and on, well past any line width limit. ", 3)},
			{ID: "logs", Classification: "internal"},
		},
		Components: []Component{
			{ID: "web", Name: "Web shop", Type: "web-application", Technology: "nginx", InternetFacing: true, Hosting: "cloud-paas",
				TrustBoundary: "dmz", Processes: []string{"card-data"}, Controls: []string{"waf", "own-check"}, Authentication: "oidc",
				DataFormats: []DataFormat{"json", "xml"}, CustomCode: true, HumanUse: true, AdminInterface: true, MultiTenant: true,
				Owner: "team", Runtime: "k8s", Tags: []string{"edge"}},
			{ID: "db", Type: "database", Stores: []string{"card-data", "logs"}, EncryptionAtRest: "platform", OutOfScope: true},
		},
		TrustBoundaries: []TrustBoundary{{ID: "dmz", Type: "network-segment", Description: "it's got 'quotes' and \"more\""}},
		Flows: []Flow{{ID: "web-db", Name: "Queries", From: "web", To: "db", Protocol: "jdbc", Authentication: "password",
			Authorization: "technical-user", Encryption: "tls", DataSent: []string{"card-data"}, DataReceived: []string{"card-data", "logs"},
			VPN: true, Readonly: true, IPFiltered: true, Usage: "devops", Controls: []string{"waf"}, Tags: []string{"sql"}}},
		Controls: []Control{{ID: "own-check", Name: "Own check", Status: "implemented", Catalog: "waf",
			Effect: &Effect{Likelihood: 2, Impact: 1}, Mitigates: []string{"tampering"}, Owner: "sec", Evidence: "https://example.com/x?a=1#b"}},
		Threats: []ManualThreat{{ID: "T-1", Title: "Insider: reads cards", STRIDE: []STRIDE{"information-disclosure"}, Targets: []string{"db"},
			Likelihood: 2, Impact: 5, CWE: []int{200}, CAPEC: []int{116}, ATTACK: []string{"T1530"}, Mitigations: []string{"own-check"}}},
		Treatments: []Treatment{
			{Threat: "T-1", Status: "accepted", Owner: "alice", Due: day("2026-12-31"), Justification: "Tolerable for now.",
				AcceptedBy: "jane", Expires: day("2027-01-31"), Ticket: "SEC-1", Reviewed: day("2026-11-01"), CheckedBy: "bob"},
			{Threat: "missing-authentication@web-db", Status: "transferred", TransferredTo: "insurer"},
		},
	}
}

// canonical renders a model as JSON, which omits positions, so two models
// that mean the same compare equal.
func canonical(t *testing.T, m *Model) string {
	t.Helper()
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMarshalRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    *Model
	}{
		{"full", fullModel(t)},
		{"minimal", &Model{Rampart: 1, System: System{ID: "s", Name: "S"}}},
		{"awkward strings", &Model{Rampart: 1, System: System{ID: "s", Name: "- starts with a dash", Owner: "@at", RiskOwner: "yes",
			Description: "  leading spaces and trailing  ", Tags: []string{"a,b", "[x]", "{y}", "#z", "'q'", "\"d\"", "tab\there", "ünïcödé"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Marshal(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			back, problems, err := LoadBytes(context.Background(), "out.yaml", out, Options{ReadFile: noFiles})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				if strings.Contains(p.Message, "YAML syntax") || strings.Contains(p.Message, "unknown key") || strings.Contains(p.Message, "expected") {
					t.Errorf("written model does not load cleanly: %s\n%s", p, out)
				}
			}
			if got, want := canonical(t, back), canonical(t, tc.m); got != want {
				t.Errorf("round trip changed the model\nwritten:\n%s\ngot:  %s\nwant: %s", out, got, want)
			}
			again, err := Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, out) {
				t.Errorf("writing is not stable:\nfirst:\n%s\nsecond:\n%s", out, again)
			}
		})
	}
}

// noFiles refuses includes: the round trip checks one file.
func noFiles(_ context.Context, path string, _ int64) ([]byte, error) {
	return []byte("data: []\n"), nil
}

func TestMarshalGolden(t *testing.T) {
	out, err := MarshalWithHeader(fullModel(t), "Written by the model writer test.")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "write-full.golden.yaml")
	if *updateWrite {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestMarshalGolden -update to create it)", err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("output differs from %s (run with -update after reviewing):\n%s", golden, out)
	}
	for _, want := range []string{"# Written by the model writer test.\n", "# Components: processes", "processes: [card-data]",
		"cia: {confidentiality: critical, integrity: high, availability: medium}"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(string(out), "out_of_scope: false") || strings.Contains(string(out), `name: ""`) {
		t.Errorf("empty values were written:\n%s", out)
	}
}

// TestMarshalExamples writes every example model back and checks that it
// loads to the same model.
func TestMarshalExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*.yaml"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no example models under examples/ yet")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			m, problems, err := Load(context.Background(), f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(problems.Errors()) > 0 {
				t.Skipf("%s is an included fragment, not a model of its own (%d problems alone)", f, len(problems.Errors()))
			}
			// A model spread over includes is written as one file.
			m.Includes = nil
			out, err := Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			back, problems, err := LoadBytes(context.Background(), f, out, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if errs := problems.Errors(); len(errs) > 0 {
				t.Fatalf("written model has problems: %v\n%s", errs, out)
			}
			if got, want := canonical(t, back), canonical(t, m); got != want {
				t.Errorf("round trip changed %s\ngot:  %s\nwant: %s", f, got, want)
			}
		})
	}
}

func TestMarshalNil(t *testing.T) {
	if _, err := Marshal(nil); err == nil {
		t.Fatal("Marshal(nil) returned no error")
	}
}

// FuzzMarshal loads arbitrary model text; whatever loads without errors must
// write and load back to the same model, and write the same text again.
func FuzzMarshal(f *testing.F) {
	full, err := Marshal(fullModel(&testing.T{}))
	if err == nil {
		f.Add(full)
	}
	f.Add([]byte("rampart: 1\nsystem: {id: s, name: \"x: y\", description: \"a\\n b\\n\"}\n"))
	f.Add([]byte("rampart: 1\nsystem: {id: s, name: S, tags: ['#', '- x', '{', '~', 'null', '0x1F', '.inf']}\n"))
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, problems, err := LoadBytes(context.Background(), "fuzz.yaml", data, Options{ReadFile: noFiles})
		if err != nil || len(problems.Errors()) > 0 || len(m.Includes) > 0 {
			return
		}
		out, err := Marshal(m)
		if err != nil {
			t.Fatalf("valid model does not write: %v", err)
		}
		back, problems, err := LoadBytes(context.Background(), "fuzz.yaml", out, Options{ReadFile: noFiles})
		if err != nil {
			t.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			t.Fatalf("written model has problems: %v\n%s", errs, out)
		}
		if got, want := canonical(t, back), canonical(t, m); got != want {
			t.Fatalf("written model loads back differently\nwritten:\n%s\ngot:  %s\nwant: %s", out, got, want)
		}
		again, err := Marshal(back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("writing is not stable (%v):\n%s\n---\n%s", err, out, again)
		}
	})
}

// wholeDocument is how the writer encoded a model before it wrote long
// sections in batches: the whole tree as one YAML document.
func wholeDocument(t *testing.T, m *Model) []byte {
	t.Helper()
	cp := *m
	root, err := encodeValue(reflect.ValueOf(&cp).Elem())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if c, ok := sectionComments[root.Content[i].Value]; ok {
			root.Content[i].HeadComment = c
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return spaceOut(buf.Bytes())
}

// TestMarshalInBatchesMatchesWholeDocument checks that writing long
// sections in batches gives the bytes of the whole document: on the full
// model, on the examples, and on a generated model whose lists are several
// batches long, with long and multi-line texts in them.
func TestMarshalInBatchesMatchesWholeDocument(t *testing.T) {
	models := map[string]*Model{"full": fullModel(t)}
	big, problems, err := LoadBytes(context.Background(), "large.yaml", genLargeModel(3*sectionItems+7, 2*sectionItems+1, 30, sectionItems+1), Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatal(err, problems.Errors())
	}
	for i := range big.Components {
		if i%3 == 0 {
			big.Components[i].Description = strings.Repeat("A long description that goes well past the line width. ", 3) + "\nand a second line\n"
		}
	}
	models["generated"] = big
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	for _, f := range files {
		m, problems, err := Load(context.Background(), f, Options{})
		if err != nil || len(problems.Errors()) > 0 {
			t.Fatal(f, err, problems.Errors())
		}
		models[filepath.Base(f)] = m
	}
	for name, m := range models {
		t.Run(name, func(t *testing.T) {
			got, err := Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if want := wholeDocument(t, m); !bytes.Equal(got, want) {
				g, w := string(got), string(want)
				i := 0
				for i < len(g) && i < len(w) && g[i] == w[i] {
					i++
				}
				t.Fatalf("batched output differs at byte %d:\ngot:  %q\nwant: %q", i, g[max(0, i-150):min(len(g), i+150)], w[max(0, i-150):min(len(w), i+150)])
			}
		})
	}
}
