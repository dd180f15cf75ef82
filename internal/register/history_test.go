package register_test

import (
	"errors"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// TestSweepRecordsRiskHistory: each sweep records the day's open risk,
// the last sweep of a day replacing the earlier ones, and a later day
// keeps the earlier days as they were.
func TestSweepRecordsRiskHistory(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 5, 5), finding("xss@web", 2, 2))
		ok[register.Swept](t)(e.svc.Sweep(e.ctx))
		day1 := e.clock.Now().Format("2006-01-02")
		e.push(finding("sqli@api", 5, 5), finding("xss@web", 2, 2), finding("csrf@web", 4, 4))
		ok[register.Swept](t)(e.svc.Sweep(e.ctx)) // the same day again
		e.clock.days(7)
		e.push(finding("sqli@api", 5, 5))
		ok[register.Swept](t)(e.svc.Sweep(e.ctx))
		day2 := e.clock.Now().Format("2006-01-02")
		counted := func(sevs ...model.Severity) map[model.Severity]int {
			m := map[model.Severity]int{}
			for _, s := range sevs {
				m[s]++
			}
			return m
		}
		sev := func(l, i int) model.Severity { return finding("x@yyy", l, i).Residual.Severity }
		want := map[string]map[model.Severity]int{
			day1: counted(sev(5, 5), sev(2, 2), sev(4, 4)),
			day2: counted(sev(5, 5)),
		}
		got := map[string]map[model.Severity]int{}
		for _, d := range ok[[]store.RiskDay](t)(e.svc.RiskHistory(e.ctx, nil, []string{day1, day2})) {
			if got[d.Day] == nil {
				got[d.Day] = map[model.Severity]int{}
			}
			got[d.Day][d.Severity] = d.Count
		}
		for day, w := range want {
			for s, n := range w {
				if got[day][s] != n {
					t.Errorf("%s %s: recorded %d, want %d (%v)", day, s, got[day][s], n, got)
				}
			}
			if len(got[day]) != len(w) {
				t.Errorf("%s: recorded %v, want %v", day, got[day], w)
			}
		}
		if none := ok[[]store.RiskDay](t)(e.svc.RiskHistory(e.ctx, []string{}, []string{day1})); len(none) != 0 {
			t.Errorf("no visible system: %v", none)
		}
	})
}

// TestPolicyFieldErrors: a refused policy names the refused field as the
// API's JSON does.
func TestPolicyFieldErrors(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.push(finding("sqli@api", 3, 4)) // something audited
		p := ok[store.Policy](t)(e.svc.Policy(e.ctx))
		cases := []struct {
			field string
			edit  func(*store.Policy)
		}{
			{"appetite", func(p *store.Policy) { p.Appetite = "meh" }},
			{"appetite_by_category.linking", func(p *store.Policy) { p.AppetiteByCategory = map[string]model.Severity{"linking": "x"} }},
			{"sla_days.high", func(p *store.Policy) {
				p.SLADays = map[model.Severity]int{"critical": 1, "high": 0, "medium": 1, "low": 1}
			}},
			{"model_review_days", func(p *store.Policy) { p.ModelReviewDays = 4000 }},
			{"tiers[1].name", func(p *store.Policy) { p.Tiers = []store.Tier{{Name: "a"}, {Name: "a"}} }},
			{"tiers[0].review_days", func(p *store.Policy) { p.Tiers = []store.Tier{{Name: "a", ReviewDays: -1}} }},
			{"matrix.bands[1][3]", func(p *store.Policy) { p.Matrix.Bands[1][3] = "" }},
		}
		for _, c := range cases {
			q := p
			c.edit(&q)
			var fe *register.FieldError
			_, err := e.svc.SetPolicy(e.ctx, ciso, q)
			if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, register.ErrInvalid) {
				t.Errorf("%s: %v", c.field, err)
			}
		}
	})
}
