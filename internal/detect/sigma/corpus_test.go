package sigma_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/detect/pipeline"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// corpusRules parses the public rule corpus and applies the Windows
// pipeline and wildcard placeholders, as a deployment without its own
// placeholder values would.
func corpusRules(t testing.TB) (rules []*sigma.Rule, files int, rejected map[string]sigma.Problems) {
	t.Helper()
	dir := testfixtures.Path(t, "sigma/corpus")
	rules, rejected, files = loadDir(t, dir)
	rules = windowsRules(t, rules)
	wild, probs := pipeline.Parse("placeholders.yml", []byte("name: placeholders\ntransformations:\n  - type: wildcard_placeholders\n"))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	rules, _ = wild.Apply(rules)
	return rules, files, rejected
}

func TestCorpus(t *testing.T) {
	rules, files, rejected := corpusRules(t)
	start := time.Now()
	eng, cprobs := sigma.Compile(rules)
	elapsed := time.Since(start)
	for _, p := range cprobs.Errors() {
		rejected[p.Pos.File] = append(rejected[p.Pos.File], p)
	}
	detection := 0
	for _, r := range rules {
		if r.Kind == sigma.DetectionRule {
			detection++
		}
	}
	ok := files - len(rejected)
	share := float64(ok) / float64(files)
	st := eng.Stats()
	t.Logf("corpus: %d files, %d rule documents (%d detection), %d parse and compile (%.2f%%), compiled in %v", files, len(rules), detection, ok, 100*share, elapsed)
	t.Logf("engine: %d rules, %d fields, %d contains patterns in %d automata, %d rules outside the prefilter", st.Rules, st.Fields, st.Patterns, st.Automata, st.Unindexed)
	var names []string
	for f := range rejected {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		var msgs []string
		for _, p := range rejected[f] {
			msgs = append(msgs, p.String())
		}
		t.Logf("  not loaded: %s", strings.Join(msgs, "; "))
	}
	if share < 0.99 {
		t.Errorf("only %.2f%% of the corpus loads, want at least 99%%", 100*share)
	}
	if os.Getenv("RAMPART_CORPUS_REPORT") != "" {
		var b strings.Builder
		for _, f := range names {
			fmt.Fprintf(&b, "%s\n", rejected[f][0].String())
		}
		if err := os.WriteFile(os.Getenv("RAMPART_CORPUS_REPORT"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
