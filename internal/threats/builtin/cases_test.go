package builtin

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// A rule case is a model and the exact threats a rule raises on it:
// testdata/rules/<rule-id>/<case>.yaml. A case with no threats is one in
// which the rule must stay silent. Every rule has at least one of each, and
// every case directory names a registered rule.
type ruleCase struct {
	Name string `yaml:"name"`
	// Model is the model, in the model's own YAML format.
	Model string `yaml:"model"`
	// Rules are the rules run (default: the directory's rule).
	Rules []string `yaml:"rules"`
	// Threats are every threat the rules raise, by id, each with what must
	// hold for it; no other threat may be raised.
	Threats []caseThreat `yaml:"threats"`
}

type caseThreat struct {
	ID string `yaml:"id"`
	// InPlace are exactly the controls reported as in place.
	InPlace []string `yaml:"in_place"`
	// Has and Lacks are words the description must and must not contain.
	Has   []string `yaml:"description_has"`
	Lacks []string `yaml:"description_lacks"`
	// Likelihood, Impact, Category and Data are checked when set.
	Likelihood int      `yaml:"likelihood"`
	Impact     int      `yaml:"impact"`
	Category   string   `yaml:"category"`
	Data       []string `yaml:"data"`
}

func loadCase(t *testing.T, path string) ruleCase {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c ruleCase
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if c.Threats == nil && !bytes.Contains(src, []byte("\nthreats: []")) {
		t.Fatalf("%s: no threats key: write 'threats: []' for a case in which the rule stays silent", path)
	}
	return c
}

func loadModel(t *testing.T, name, src string) *model.Model {
	t.Helper()
	m, problems, err := model.LoadBytes(context.Background(), name, []byte(src), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("case model is invalid:\n%v", errs)
	}
	return m
}

// TestRuleCases runs every rule case.
func TestRuleCases(t *testing.T) {
	dirs, err := os.ReadDir("testdata/rules")
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, dir := range dirs {
		id := dir.Name()
		rule, ok := Lookup(id)
		if !ok {
			t.Errorf("testdata/rules/%s: no built-in rule %s", id, id)
			continue
		}
		tested[id] = true
		files, _ := filepath.Glob(filepath.Join("testdata/rules", id, "*.yaml"))
		fires, silent := 0, 0
		for _, file := range files {
			c := loadCase(t, file)
			if len(c.Threats) > 0 {
				fires++
			} else {
				silent++
			}
			t.Run(id+"/"+strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
				rules := []threats.Rule{rule}
				if len(c.Rules) > 0 {
					rules = nil
					for _, rid := range c.Rules {
						r, ok := Lookup(rid)
						if !ok {
							t.Fatalf("no built-in rule %s", rid)
						}
						rules = append(rules, r)
					}
				}
				checkCase(t, c, threats.Identify(loadModel(t, file, c.Model), rules))
			})
		}
		if fires == 0 || silent == 0 {
			t.Errorf("rule %s: %d cases that raise threats and %d that raise none; it needs at least one of each", id, fires, silent)
		}
	}
	for _, r := range Rules() {
		if !tested[r.ID] {
			t.Errorf("rule %s has no cases in testdata/rules/%s", r.ID, r.ID)
		}
	}
}

func checkCase(t *testing.T, c ruleCase, found []threats.Threat) {
	t.Helper()
	var got, want []string
	byID := map[string]threats.Threat{}
	for _, th := range found {
		got = append(got, th.ID)
		byID[th.ID] = th
	}
	for _, w := range c.Threats {
		want = append(want, w.ID)
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: threats\n  got  %v\n  want %v", c.Name, got, want)
	}
	for _, w := range c.Threats {
		th := byID[w.ID]
		if !slices.Equal(th.InPlace, w.InPlace) {
			t.Errorf("%s: controls in place %v, want %v", w.ID, th.InPlace, w.InPlace)
		}
		if th.Mitigated() != (len(w.InPlace) > 0) {
			t.Errorf("%s: mitigated = %v with controls %v", w.ID, th.Mitigated(), w.InPlace)
		}
		for _, word := range w.Has {
			if !strings.Contains(th.Description, word) {
				t.Errorf("%s: description %q does not mention %q", w.ID, th.Description, word)
			}
		}
		for _, word := range w.Lacks {
			if strings.Contains(th.Description, word) {
				t.Errorf("%s: description %q mentions %q", w.ID, th.Description, word)
			}
		}
		if w.Likelihood != 0 && th.Likelihood != w.Likelihood {
			t.Errorf("%s: likelihood %d, want %d", w.ID, th.Likelihood, w.Likelihood)
		}
		if w.Impact != 0 && th.Impact != w.Impact {
			t.Errorf("%s: impact %d, want %d", w.ID, th.Impact, w.Impact)
		}
		if w.Category != "" && th.Category != w.Category {
			t.Errorf("%s: category %q, want %q", w.ID, th.Category, w.Category)
		}
		if w.Data != nil && !slices.Equal(th.Data, w.Data) {
			t.Errorf("%s: data at stake %v, want %v", w.ID, th.Data, w.Data)
		}
	}
}
