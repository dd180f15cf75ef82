package builtin

import (
	"fmt"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// benchRules benchmarks the built-in rules with the given ids on models of
// 1,000 and 10,000 components built by gen, reporting the threats raised.
func benchRules(b *testing.B, ids []string, gen func(n int) *model.Model) {
	var rules []threats.Rule
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
				found = len(threats.Identify(m, rules))
			}
			if found == 0 {
				b.Fatal("generated model raised no threats")
			}
			b.ReportMetric(float64(found), "threats")
		})
	}
}
