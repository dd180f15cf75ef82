package sigma_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

func TestSpecExamplesParse(t *testing.T) {
	dir := testfixtures.Path(t, "sigma/spec-examples")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(files) == 0 {
		t.Fatal("no spec examples")
	}
	kinds := map[string]sigma.Kind{"correlation": sigma.CorrelationRule, "filter": sigma.FilterRule, "rules": sigma.DetectionRule}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rules, probs := sigma.Parse(f, data)
		if errs := probs.Errors(); len(errs) > 0 || len(rules) != 1 {
			t.Errorf("%s: %d rules, problems: %v", filepath.Base(f), len(rules), errs)
			continue
		}
		want := kinds[strings.SplitN(filepath.Base(f), "_", 2)[0]]
		if rules[0].Kind != want {
			t.Errorf("%s: kind %v, want %v", filepath.Base(f), rules[0].Kind, want)
		}
		if _, probs := sigma.Compile(rules); len(probs.Errors()) > 0 {
			t.Errorf("%s: compile: %v", filepath.Base(f), probs.Errors())
		}
	}
}

// TestFeatureRules: each rule chosen for its syntax parses and compiles,
// or is rejected as unsupported with a message that says what to do.
func TestFeatureRules(t *testing.T) {
	dir := testfixtures.Path(t, "sigma/feature-rules")
	rules, rejected, files := loadDir(t, dir)
	rules = windowsRules(t, rules)
	_, cprobs := sigma.Compile(rules)
	for _, p := range cprobs.Errors() {
		rejected[p.Pos.File] = append(rejected[p.Pos.File], p)
	}
	for f, ps := range rejected {
		for _, p := range ps {
			if !sigma.IsUnsupported(p) {
				t.Errorf("%s: invalid: %s", filepath.Base(f), p)
				continue
			}
			if p.Hint == "" {
				t.Errorf("%s: unsupported without a hint: %s", filepath.Base(f), p)
			}
			t.Logf("rejected as unsupported: %s", p)
		}
	}
	t.Logf("feature rules: %d files, %d loaded, %d rejected as unsupported", files, files-len(rejected), len(rejected))
}
