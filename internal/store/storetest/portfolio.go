package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// testPortfolio checks the portfolio's counters against threats whose
// counts are known, then against a count of the threats themselves after
// inserts, register edits and new analyses have moved them about.
func testPortfolio(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "payments")
	newSystem(t, ctx, s, "ledger")
	mk := func(sys, id string, l, i int, sev model.Severity, status model.TreatmentStatus, due string) store.Threat {
		th := threat(sys, id, l, i, sev)
		th.Status, th.Due = status, due
		return th
	}
	gone := mk("payments", "g@web", 4, 4, "high", "open", "")
	gone.Gone = true
	if err := s.InsertThreats(ctx, []store.Threat{
		mk("payments", "a@web", 4, 4, "high", "open", "2026-11-01"),
		mk("payments", "b@web", 4, 4, "high", "mitigating", "2026-12-31"),
		mk("payments", "c@web", 1, 2, "low", "open", ""),
		mk("payments", "d@web", 5, 5, "critical", "mitigated", "2026-01-01"),
		gone,
		mk("ledger", "e@web", 3, 4, "medium", "open", "2026-11-30"),
	}); err != nil {
		t.Fatal(err)
	}
	open := []model.TreatmentStatus{"open", "mitigating"}
	cases := []struct {
		name string
		f    store.RiskFilter
		want store.RiskCounts
	}{
		{"open everywhere, overdue before December", store.RiskFilter{Status: open, DueBefore: "2026-12-01"}, store.RiskCounts{
			BySystem: []store.SystemRisk{sr("ledger", "medium", 1), sr("payments", "high", 2), sr("payments", "low", 1)},
			Matrix:   []store.RiskCell{rc(1, 2, 1), rc(3, 4, 1), rc(4, 4, 2)},
			Overdue:  2,
		}},
		{"one system, no due bound", store.RiskFilter{Status: open, Systems: []string{"ledger"}}, store.RiskCounts{
			BySystem: []store.SystemRisk{sr("ledger", "medium", 1)},
			Matrix:   []store.RiskCell{rc(3, 4, 1)},
		}},
		{"every status", store.RiskFilter{Systems: []string{"payments"}, DueBefore: "2027-01-01"}, store.RiskCounts{
			BySystem: []store.SystemRisk{sr("payments", "critical", 1), sr("payments", "high", 2), sr("payments", "low", 1)},
			Matrix:   []store.RiskCell{rc(1, 2, 1), rc(4, 4, 2), rc(5, 5, 1)},
			Overdue:  3,
		}},
		{"no visible system", store.RiskFilter{Status: open, Systems: []string{}, DueBefore: "2027-01-01"}, store.RiskCounts{
			BySystem: []store.SystemRisk{}, Matrix: []store.RiskCell{},
		}},
	}
	for _, c := range cases {
		if got := must(s.CountRisk(ctx, c.f))(t); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}

	// Edits and new analyses move threats between counters.
	a := must(s.GetThreat(ctx, "payments", "a@web"))(t)
	a.Status = "mitigated"
	must(s.UpdateThreat(ctx, a))(t)
	c := must(s.GetThreat(ctx, "payments", "c@web"))(t)
	c.Risk = store.RiskRating{Likelihood: 5, Impact: 5, Severity: "critical"}
	g := must(s.GetThreat(ctx, "payments", "g@web"))(t)
	g.Gone = false
	e := must(s.GetThreat(ctx, "ledger", "e@web"))(t)
	e.Gone = true
	if err := s.UpdateThreatAnalysis(ctx, []store.Threat{c, g, e}); err != nil {
		t.Fatal(err)
	}
	b := must(s.GetThreat(ctx, "payments", "b@web"))(t)
	b.Owner = "someone" // not counted: the counters stay as they are
	must(s.UpdateThreat(ctx, b))(t)
	f := store.RiskFilter{Status: open, DueBefore: "2026-12-01"}
	if got, want := must(s.CountRisk(ctx, f))(t), countThreats(t, ctx, s, f); !reflect.DeepEqual(got, want) {
		t.Errorf("after the edits: counters %+v, threats %+v", got, want)
	}
}

func sr(sys string, sev model.Severity, n int) store.SystemRisk {
	return store.SystemRisk{SystemID: sys, Severity: sev, Count: n}
}

func rc(l, i, n int) store.RiskCell { return store.RiskCell{Likelihood: l, Impact: i, Count: n} }

// countThreats counts the threats themselves as CountRisk should.
func countThreats(t *testing.T, ctx context.Context, s store.Store, f store.RiskFilter) store.RiskCounts {
	bySys, byCell := map[string]int{}, map[[2]int]int{}
	out := store.RiskCounts{BySystem: []store.SystemRisk{}, Matrix: []store.RiskCell{}}
	for _, sys := range must(s.ListSystems(ctx, 0, 0))(t) {
		for _, th := range must(s.SystemThreats(ctx, sys.ID))(t) {
			if th.Gone || len(f.Status) > 0 && !slices.Contains(f.Status, th.Status) {
				continue
			}
			bySys[sys.ID+"\x00"+string(th.Risk.Severity)]++
			byCell[[2]int{th.Risk.Likelihood, th.Risk.Impact}]++
			if th.Due != "" && th.Due < f.DueBefore {
				out.Overdue++
			}
		}
	}
	for k, n := range bySys {
		sys, sev, _ := strings.Cut(k, "\x00")
		out.BySystem = append(out.BySystem, store.SystemRisk{SystemID: sys, Severity: model.Severity(sev), Count: n})
	}
	for k, n := range byCell {
		out.Matrix = append(out.Matrix, store.RiskCell{Likelihood: k[0], Impact: k[1], Count: n})
	}
	slices.SortFunc(out.BySystem, func(a, b store.SystemRisk) int {
		return strings.Compare(a.SystemID+"\x00"+string(a.Severity), b.SystemID+"\x00"+string(b.Severity))
	})
	slices.SortFunc(out.Matrix, func(a, b store.RiskCell) int {
		return strings.Compare(fmt.Sprint(a.Likelihood, a.Impact), fmt.Sprint(b.Likelihood, b.Impact))
	})
	return out
}

// testCategoryFilter checks the register's category filter: a rule
// category or one of the threat's STRIDE categories, matched whole.
func testCategoryFilter(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "payments")
	a := threat("payments", "a@web", 2, 2, "low")
	a.STRIDE = []model.STRIDE{model.Spoofing, model.Tampering}
	b := threat("payments", "b@web", 2, 2, "low")
	b.STRIDE, b.Category = []model.STRIDE{model.InformationDisclosure}, "privacy"
	c := threat("payments", "c@web", 2, 2, "low")
	c.STRIDE = []model.STRIDE{model.DenialOfService}
	if err := s.InsertThreats(ctx, []store.Threat{a, b, c}); err != nil {
		t.Fatal(err)
	}
	for cat, want := range map[string]string{
		"spoofing": "a@web", "tampering": "a@web", "information-disclosure": "b@web", "privacy": "b@web",
		"denial-of-service": "c@web", "spoof": "", "%": "", "_rivacy": "",
	} {
		f := store.ThreatFilter{SystemID: "payments", Category: cat}
		var got []string
		for _, th := range must(s.ListThreats(ctx, f))(t) {
			got = append(got, th.ID)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("category %q: got %v, want %q", cat, got, want)
		}
		if n := must(s.CountThreats(ctx, f))(t); n != len(got) {
			t.Errorf("category %q: count %d, list %d", cat, n, len(got))
		}
	}
}

// testRiskHistory records the portfolio's risk on two days with changes
// between them and reads it back by day, severity and system.
func testRiskHistory(t *testing.T, ctx context.Context, s store.Store) {
	newSystem(t, ctx, s, "payments")
	newSystem(t, ctx, s, "ledger")
	open := []model.TreatmentStatus{"open", "mitigating"}
	a := threat("payments", "a@web", 4, 4, "high")
	b := threat("payments", "b@web", 4, 4, "high")
	b.Status = "mitigating"
	c := threat("payments", "c@web", 1, 1, "low")
	c.Status = "mitigated" // not open: not counted
	d := threat("ledger", "d@web", 3, 3, "medium")
	if err := s.InsertThreats(ctx, []store.Threat{a, b, c, d}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRiskHistory(ctx, "2026-11-01", open); err != nil {
		t.Fatal(err)
	}
	// The day is recorded again after a change: the later record replaces it.
	a = must(s.GetThreat(ctx, "payments", "a@web"))(t)
	a.Status = "mitigated"
	must(s.UpdateThreat(ctx, a))(t)
	if err := s.RecordRiskHistory(ctx, "2026-11-01", open); err != nil {
		t.Fatal(err)
	}
	d = must(s.GetThreat(ctx, "ledger", "d@web"))(t)
	d.Risk = store.RiskRating{Likelihood: 5, Impact: 5, Severity: "critical"}
	if err := s.UpdateThreatAnalysis(ctx, []store.Threat{d}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRiskHistory(ctx, "2026-11-08", open); err != nil {
		t.Fatal(err)
	}
	day := func(d string, sev model.Severity, n int) store.RiskDay {
		return store.RiskDay{Day: d, Severity: sev, Count: n}
	}
	cases := []struct {
		name string
		f    store.HistoryFilter
		want []store.RiskDay
	}{
		{"both days, every system", store.HistoryFilter{Days: []string{"2026-11-01", "2026-11-08"}}, []store.RiskDay{
			day("2026-11-01", "high", 1), day("2026-11-01", "medium", 1),
			day("2026-11-08", "critical", 1), day("2026-11-08", "high", 1)}},
		{"one system", store.HistoryFilter{Days: []string{"2026-11-01", "2026-11-08"}, Systems: []string{"ledger"}}, []store.RiskDay{
			day("2026-11-01", "medium", 1), day("2026-11-08", "critical", 1)}},
		{"a day never recorded", store.HistoryFilter{Days: []string{"2026-11-02"}}, []store.RiskDay{}},
		{"no visible system", store.HistoryFilter{Days: []string{"2026-11-01"}, Systems: []string{}}, []store.RiskDay{}},
		{"no day", store.HistoryFilter{}, []store.RiskDay{}},
	}
	for _, c := range cases {
		if got := must(s.RiskHistory(ctx, c.f))(t); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
	// What a day records is what CountRisk counted on it.
	now := must(s.CountRisk(ctx, store.RiskFilter{Status: open}))(t)
	bySev := map[model.Severity]int{}
	for _, r := range now.BySystem {
		bySev[r.Severity] += r.Count
	}
	for _, r := range must(s.RiskHistory(ctx, store.HistoryFilter{Days: []string{"2026-11-08"}}))(t) {
		if bySev[r.Severity] != r.Count {
			t.Errorf("2026-11-08 %s: recorded %d, counted %d", r.Severity, r.Count, bySev[r.Severity])
		}
	}
}
