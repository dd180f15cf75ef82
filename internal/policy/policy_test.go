package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

func problemLines(ps model.Problems) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}

func TestParse(t *testing.T) {
	rules := []string{"missing-authentication", "missing-vault"}
	cases := []struct {
		name, src string
		want      []string // substrings of the problems, in order; none for a valid policy
	}{
		{"valid", `
rampart-policy: 1
name: Org
risk_appetite: {max_severity: medium, by_category: {privacy: low}}
matrix:
  bands:
    - [low, low, low, medium, medium]
    - [low, low, medium, medium, high]
    - [low, medium, medium, high, high]
    - [medium, medium, high, high, critical]
    - [medium, high, high, critical, critical]
required_rules: [missing-authentication]
`, nil},
		{"unknown key with a suggestion", "rampart-policy: 1\nrisk_apetite: {max_severity: low}\n",
			[]string{"p.yaml:2:1: risk_apetite: unknown key 'risk_apetite' (did you mean 'risk_appetite'?)"}},
		{"version", "rampart-policy: 2\nrequired_rules: [missing-vault]\n", []string{"p.yaml:1:17: rampart-policy: unsupported policy version 2"}},
		{"no version", "required_rules: [missing-vault]\n", []string{"missing required key 'rampart-policy'"}},
		{"unknown severity", "rampart-policy: 1\nrisk_appetite: {max_severity: hihg}\n",
			[]string{"p.yaml:2:31: risk_appetite.max_severity: unknown severity 'hihg' (did you mean 'high'?)"}},
		{"unknown category", "rampart-policy: 1\nrisk_appetite: {max_severity: low, by_category: {privacyy: low}}\n",
			[]string{"unknown category 'privacyy' (did you mean 'privacy'?)"}},
		{"no max severity", "rampart-policy: 1\nrisk_appetite: {by_category: {privacy: low}}\n", []string{"missing required key 'max_severity'"}},
		{"unknown rule", "rampart-policy: 1\nrequired_rules: [missing-authentification]\n",
			[]string{"p.yaml:2:18: required_rules[0]: unknown rule 'missing-authentification' (did you mean 'missing-authentication'?)"}},
		{"short matrix", "rampart-policy: 1\nmatrix: {bands: [[low]]}\n", []string{"want 5 rows, found 1"}},
		{"sets nothing", "rampart-policy: 1\nname: Empty\n", []string{"warning: the policy sets nothing"}},
		{"not YAML", "rampart-policy: [1\n", []string{"p.yaml:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, problems := Parse("p.yaml", []byte(c.src), rules)
			got := problemLines(problems)
			if len(c.want) == 0 && got != "" {
				t.Fatalf("want no problems, got:\n%s", got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems lack %q:\n%s", w, got)
				}
			}
			for _, p := range problems {
				if p.Pos.Line < 1 || p.Pos.Column < 1 {
					t.Errorf("problem without a position: %s", p)
				}
			}
		})
	}
}

const strictPolicy = `
rampart-policy: 1
name: Org
risk_appetite: {max_severity: medium, by_category: {privacy: low}}
required_rules: [missing-vault]
`

func loadModel(t *testing.T, src string) *model.Model {
	t.Helper()
	m, problems, err := model.LoadBytes(context.Background(), "m.yaml", []byte(src), model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("model: %v %v", err, problems.Errors())
	}
	return m
}

func TestApply(t *testing.T) {
	p, problems := Parse("org.yaml", []byte(strictPolicy), nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	const head = "rampart: 1\nsystem: {id: s, name: S}\n"
	cases := []struct {
		name     string
		model    string
		appetite string   // the effective appetite
		disabled []string // rules not run
		problems []string // "severity code: message" prefixes
		at       []string // when set, each problem's line:column
	}{
		{"no appetite in the model: the policy's", head, "medium privacy=low", nil, nil, nil},
		{"a model may tighten", head + "risk_appetite: {max_severity: low, by_category: {spoofing: low}}\n",
			"low privacy=low spoofing=low", nil, nil, nil},
		{"a looser maximum: the policy's applies, with a warning", head + "risk_appetite: {max_severity: high}\n",
			"medium privacy=low", nil, []string{"warning policy_violation: high is looser than the policy's medium (org.yaml); medium applies"}, nil},
		{"a looser category: the policy's applies, with a warning at the category", head + "risk_appetite: {max_severity: medium, by_category: {privacy: medium, denial-of-service: critical}}\n",
			"medium denial-of-service=medium privacy=low", nil, []string{
				"warning policy_violation: critical is looser than the policy's medium",
				"warning policy_violation: medium is looser than the policy's low"}, []string{"3:70", "3:53"}},
		{"disabling a required rule is an error; it runs", head + "settings: {disabled_rules: [missing-vault, missing-waf]}\n",
			"medium privacy=low", []string{"missing-waf"}, []string{
				"error policy_violation: rule missing-vault may not be disabled",
				"warning policy_violation: rule missing-waf is disabled"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := loadModel(t, c.model)
			before := fmt.Sprint(m.RiskAppetite)
			g := Apply(m, p)
			a := g.Model.RiskAppetite
			got := string(a.MaxSeverity)
			for _, k := range []string{"denial-of-service", "privacy", "spoofing"} {
				if s, ok := a.ByCategory[k]; ok {
					got += " " + k + "=" + string(s)
				}
			}
			if got != c.appetite {
				t.Errorf("appetite %q, want %q", got, c.appetite)
			}
			var disabled []string
			if g.Model.Settings != nil {
				disabled = g.Model.Settings.DisabledRules
			}
			if fmt.Sprint(disabled) != fmt.Sprint(c.disabled) || fmt.Sprint(g.Info.DisabledRules) != fmt.Sprint(append([]string{}, c.disabled...)) {
				t.Errorf("disabled %v / info %v, want %v", disabled, g.Info.DisabledRules, c.disabled)
			}
			if len(g.Problems) != len(c.problems) {
				t.Fatalf("problems:\n%s", problemLines(g.Problems))
			}
			for i, pr := range g.Problems {
				sev := "error"
				if pr.Severity == source.Warning {
					sev = "warning"
				}
				if line := sev + " " + string(pr.Code) + ": " + pr.Message; !strings.HasPrefix(line, c.problems[i]) {
					t.Errorf("problem %d: %q, want %q", i, line, c.problems[i])
				}
				if pr.Pos.File != "m.yaml" || pr.Pos.Line < 3 {
					t.Errorf("problem %d not at the model's key: %s", i, pr.Pos)
				}
				if c.at != nil && fmt.Sprintf("%d:%d", pr.Pos.Line, pr.Pos.Column) != c.at[i] {
					t.Errorf("problem %d at %d:%d, want %s", i, pr.Pos.Line, pr.Pos.Column, c.at[i])
				}
			}
			if fmt.Sprint(m.RiskAppetite) != before {
				t.Error("Apply changed the input model")
			}
		})
	}
}

func TestApplyMatrix(t *testing.T) {
	row := func(s ...string) string { return "[" + strings.Join(s, ", ") + "]" }
	bands := func(cell string) string {
		r := row("low", "low", "medium", "medium", "high")
		return "bands: [" + strings.Repeat(r+", ", 3) + row("low", "low", "medium", "medium", cell) + ", " + r + "]"
	}
	p, problems := Parse("org.yaml", []byte("rampart-policy: 1\nmatrix: {"+bands("high")+"}\n"), nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, c := range []struct {
		cell, want string
		warned     bool
	}{{"critical", "critical", false}, {"low", "high", true}} {
		m := loadModel(t, "rampart: 1\nsystem: {id: s, name: S}\nsettings:\n  matrix: {"+bands(c.cell)+"}\n")
		g := Apply(m, p)
		if got := string(g.Model.Settings.Matrix.Bands[3][4]); got != c.want {
			t.Errorf("model cell %s: effective %s, want %s", c.cell, got, c.want)
		}
		if warned := len(g.Problems) == 1 && strings.Contains(g.Problems[0].Message, "likelihood 4 × impact 5: low < high"); warned != c.warned {
			t.Errorf("model cell %s: problems %v", c.cell, g.Problems)
		}
		if len(g.Info.Loosened) != map[bool]int{true: 1}[c.warned] {
			t.Errorf("loosened %v", g.Info.Loosened)
		}
	}
}

// TestResolve checks that a model's policy key is confined, as includes
// are, to the model's directory tree.
func TestResolve(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "svc"), 0o755); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "svc", "rampart.yaml")
	for _, c := range []struct {
		ref, includeRoot string
		ok               bool
	}{{"policy/org.yaml", "", true}, {"../org.yaml", "", false}, {"../org.yaml", dir, true}, {"/etc/passwd", "", false}} {
		m := &model.Model{Policy: c.ref}
		path, problems := Resolve(m, root, c.includeRoot)
		if ok := len(problems) == 0; ok != c.ok {
			t.Errorf("Resolve(%q, include root %q) = %q, %v", c.ref, c.includeRoot, path, problems)
		}
		if !c.ok && problems[0].Code != source.CodeOutsideRoot {
			t.Errorf("code %s", problems[0].Code)
		}
	}
}

// TestSchemaUpToDate keeps examples/rampart-policy.schema.json equal to
// 'rampart schema --policy', and checks that the example policy parses clean.
func TestSchemaUpToDate(t *testing.T) {
	data, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "examples", "rampart-policy.schema.json")
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(data)+"\n" {
		t.Errorf("%s is out of date: run go run ./cmd/rampart schema --policy > %s", path, path)
	}
	example := filepath.Join("..", "..", "examples", "policy", "org-risk-policy.yaml")
	// The official validator accepts the example against the schema.
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("policy.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("policy.json")
	if err != nil {
		t.Fatalf("not a valid draft 2020-12 schema: %v", err)
	}
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("the example policy fails its schema: %v", err)
	}
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"rampart-policy": 1, "risk_appetite": {"max_severity": "huge"}}`))
	if schema.Validate(bad) == nil {
		t.Error("the schema accepts an unknown severity")
	}
	p, problems, err := Load(context.Background(), example, nil)
	if err != nil || len(problems) > 0 || p.Appetite == nil || p.Matrix == nil || len(p.RequiredRules) == 0 {
		t.Errorf("example policy: %v\n%s", err, problemLines(problems))
	}
}
