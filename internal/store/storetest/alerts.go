package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/store"
)

func testAlerts(t *testing.T, ctx context.Context, s store.Store) {
	for _, id := range []string{"payments", "hr"} {
		must(s.CreateSystem(ctx, store.System{ID: id, Name: id, OwnerTeam: "team-" + id}))(t)
	}
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cmd := store.Alert{SystemID: "payments", RuleID: "r-cmd", Title: "cmd", Level: "high", Kind: "detection",
		Techniques: []string{"T1059"}, Components: []string{"api"}, Threats: []string{"t-exec@api"}}
	other := cmd
	other.Components, other.Threats = []string{"db"}, nil
	corr := store.Alert{SystemID: "hr", Title: "many logons", Level: "medium", Kind: "correlation",
		Group: map[string]string{"User": "bob"}}
	record := func(fp string, a store.Alert, at time.Time) bool {
		t.Helper()
		a.Source, a.Event = fp, []byte(fmt.Sprintf(`{"fp":%q}`, fp))
		if a.Kind == "correlation" {
			a.Event = nil
		}
		var n int
		err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			var err error
			n, err = tx.RecordAlerts(ctx, []store.AlertOccurrence{{Fingerprint: fp, Alert: a, At: at}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	cases := []struct {
		fp   string
		a    store.Alert
		at   time.Time
		want bool
	}{
		{"e1", cmd, t0.Add(time.Minute), true},
		{"e2", cmd, t0, true}, // an older occurrence arriving later
		{"e1", cmd, t0.Add(time.Hour), false},
		{"e3", cmd, t0.Add(2 * time.Minute), true},
		{"e4", other, t0.Add(3 * time.Minute), true},
		{"c1", corr, t0.Add(4 * time.Minute), true},
		{"c1", corr, t0.Add(4 * time.Minute), false},
	}
	for _, c := range cases {
		if got := record(c.fp, c.a, c.at); got != c.want {
			t.Errorf("record %s: new=%v, want %v", c.fp, got, c.want)
		}
	}
	// A batch: one new, the same again, one stored before; and a batch of
	// more rows than one statement takes.
	batch := []store.AlertOccurrence{{Fingerprint: "e5", Alert: other, At: t0.Add(3 * time.Minute)},
		{Fingerprint: "e5", Alert: other, At: t0.Add(3 * time.Minute)}, {Fingerprint: "e1", Alert: cmd, At: t0}}
	var many []store.AlertOccurrence
	for i := range 700 {
		many = append(many, store.AlertOccurrence{Fingerprint: fmt.Sprint("m", i), Alert: other, At: t0.Add(3 * time.Minute)})
	}
	for _, c := range []struct {
		occ  []store.AlertOccurrence
		want int
	}{{batch, 1}, {many, 700}, {many, 0}} {
		err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			n, err := tx.RecordAlerts(ctx, c.occ)
			if n != c.want {
				t.Errorf("a batch of %d stored %d new, want %d", len(c.occ), n, c.want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	all := must(s.ListAlerts(ctx, store.AlertFilter{}))(t)
	if len(all) != 3 {
		t.Fatalf("%d alert groups, want 3: %+v", len(all), all)
	}
	if all[0].Title != "many logons" || all[0].Group["User"] != "bob" || all[0].Event != nil {
		t.Errorf("newest group = %+v, want the correlation with its group and no event", all[0])
	}
	g := all[2]
	if g.Count != 3 || !g.FirstSeen.Equal(t0) || !g.LastSeen.Equal(t0.Add(2*time.Minute)) || g.Source != "e3" ||
		string(g.Event) == "" || len(g.Threats) != 1 || g.Techniques[0] != "T1059" {
		t.Errorf("cmd on api = count %d, first %s, last %s, source %s, event %s, threats %v; want 3 occurrences from %s to %s, latest e3",
			g.Count, g.FirstSeen, g.LastSeen, g.Source, g.Event, g.Threats, t0, t0.Add(2*time.Minute))
	}
	filters := []struct {
		name string
		f    store.AlertFilter
		want int
	}{
		{"system", store.AlertFilter{SystemID: "payments"}, 2},
		{"visible systems", store.AlertFilter{Systems: []string{"hr"}}, 1},
		{"no visible system", store.AlertFilter{Systems: []string{}}, 0},
		{"rule by id", store.AlertFilter{Rule: "r-cmd"}, 2},
		{"rule by title", store.AlertFilter{Rule: "many logons"}, 1},
		{"level", store.AlertFilter{Level: []string{"medium", "low"}}, 1},
		{"component", store.AlertFilter{Component: "db"}, 1},
		{"threat", store.AlertFilter{Threat: "t-exec@api"}, 1},
		{"since", store.AlertFilter{Since: t0.Add(3 * time.Minute)}, 2},
		{"until", store.AlertFilter{Until: t0.Add(time.Second)}, 1},
		{"page", store.AlertFilter{Limit: 2, Offset: 2}, 1},
	}
	for _, c := range filters {
		got := must(s.ListAlerts(ctx, c.f))(t)
		if len(got) != c.want {
			t.Errorf("%s: %d alerts, want %d", c.name, len(got), c.want)
		}
		c.f.Limit, c.f.Offset = 0, 0
		if n := must(s.CountAlerts(ctx, c.f))(t); c.name != "page" && n != c.want {
			t.Errorf("%s: count %d, want %d", c.name, n, c.want)
		}
	}
	one := must(s.GetAlert(ctx, g.ID))(t)
	if one.Count != 3 || one.Title != "cmd" {
		t.Errorf("get alert %d = %+v", g.ID, one)
	}
	if _, err := s.GetAlert(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing alert: %v, want ErrNotFound", err)
	}
	// Fingerprints are forgotten by when they were stored, not by their
	// events' time, and the counts stay.
	if n := must(s.PruneAlertOccurrences(ctx, t0))(t); n != 0 {
		t.Errorf("pruned %d occurrences stored before the events' time, want none: they were stored now", n)
	}
	if n := must(s.PruneAlertOccurrences(ctx, time.Now().Add(time.Minute)))(t); n != 706 {
		t.Errorf("pruned %d occurrences stored before now, want all 706", n)
	}
	if got := must(s.GetAlert(ctx, g.ID))(t); got.Count != 3 {
		t.Errorf("count after pruning = %d, want 3", got.Count)
	}
	tot := must(s.AlertTotals(ctx))(t)
	wantRule := map[string]int64{"hr/many logons": 1, "payments/r-cmd": 4 + 1 + 700}
	if len(tot.ByRule) != len(wantRule) {
		t.Errorf("totals by rule = %+v", tot.ByRule)
	}
	for _, r := range tot.ByRule {
		if wantRule[r.SystemID+"/"+r.Key] != r.Count {
			t.Errorf("total of %s/%s = %d, want %d", r.SystemID, r.Key, r.Count, wantRule[r.SystemID+"/"+r.Key])
		}
	}
	if len(tot.ByThreat) != 1 || tot.ByThreat[0].Key != "t-exec@api" || tot.ByThreat[0].Count != 3 {
		t.Errorf("totals by threat = %+v, want t-exec@api 3", tot.ByThreat)
	}
}
