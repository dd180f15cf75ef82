package threats

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// load parses a model written inline in a test and fails on any error.
func load(t *testing.T, src string) *model.Model {
	t.Helper()
	m, problems, err := model.LoadBytes(context.Background(), "test.yaml", []byte(src), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("test model is invalid:\n%v", errs)
	}
	return m
}

// hits runs one built-in rule and returns the ids of its threats.
func hits(t *testing.T, ruleID string, src string) []string {
	t.Helper()
	r, ok := Lookup(ruleID)
	if !ok {
		t.Fatalf("no rule %s", ruleID)
	}
	var ids []string
	for _, th := range Identify(load(t, src), []Rule{r}) {
		if th.Rule == ruleID {
			ids = append(ids, th.ID)
		}
	}
	return ids
}

// expectHits asserts that a rule raises exactly the given threat ids.
func expectHits(t *testing.T, ruleID, src string, want ...string) {
	t.Helper()
	got := hits(t, ruleID, src)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: got threats %v, want %v", ruleID, got, want)
	}
}

// benchRules benchmarks the built-in rules with the given ids on models of
// 1,000 and 10,000 components built by gen, reporting the threats raised.
func benchRules(b *testing.B, ids []string, gen func(n int) *model.Model) {
	var rules []Rule
	for _, id := range ids {
		r, ok := Lookup(id)
		if !ok {
			b.Fatalf("no rule %s", id)
		}
		rules = append(rules, r)
	}
	for _, n := range []int{1000, 10000} {
		m := gen(n)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var found int
			for b.Loop() {
				found = len(Identify(m, rules))
			}
			if found == 0 {
				b.Fatal("generated model raised no threats")
			}
			b.ReportMetric(float64(found), "threats")
		})
	}
}
