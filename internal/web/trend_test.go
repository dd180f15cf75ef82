package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/register"
)

// TestRiskTrend: the portfolio draws the open risk of the weeks the sweep
// recorded and of today, with a table of the same numbers, and marks the
// weeks without a record.
func TestRiskTrend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.reg.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	recorded := e.clock.Now().Format(time.DateOnly)
	then := openNow(t, e)
	// A week later one threat is mitigated: today's point differs.
	th := firstThreat(t, e)
	cur, err := e.reg.Threat(ctx, "payments", th)
	if err != nil {
		t.Fatal(err)
	}
	st := model.TreatmentStatus("mitigated")
	if _, err := e.reg.UpdateThreat(ctx, register.Actor{Name: "dev"}, "payments", th, cur.Version, register.ThreatPatch{Status: &st}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(7 * 24 * time.Hour)
	today := e.clock.Now().Format(time.DateOnly)
	now := openNow(t, e)
	if then[cur.Risk.Severity] != now[cur.Risk.Severity]+1 {
		t.Fatalf("mitigating one %s threat: %v then, %v now", cur.Risk.Severity, then, now)
	}

	cleo := e.browser()
	cleo.signIn("cleo")
	page := cleo.do("GET", "/", nil).body
	for _, want := range []string{`<svg class="trend" id="trend-chart"`, `<title id="trend-title">`, `<desc id="trend-desc">`, `id="trend-table"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the portfolio lacks %q", want)
		}
	}
	row := func(day string) string {
		m := regexp.MustCompile(`<tr><th scope="row">` + day + `</th>(.*?)</tr>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no row for %s in the trend table", day)
		}
		return m[1]
	}
	cells := func(c map[model.Severity]int) string {
		var b strings.Builder
		for _, s := range []model.Severity{"critical", "high", "medium", "low"} {
			fmt.Fprintf(&b, "<td>%d</td>", c[s])
		}
		return b.String()
	}
	if got := row(recorded); got != cells(then) {
		t.Errorf("recorded week: %s, want %s", got, cells(then))
	}
	if got := row(today); got != cells(now) {
		t.Errorf("today: %s, want %s", got, cells(now))
	}
	if got := row(e.clock.Now().AddDate(0, 0, -14).Format(time.DateOnly)); !strings.Contains(got, "no record") {
		t.Errorf("a week without a record: %s", got)
	}
	// Each severity's line joins the two recorded points it has.
	for _, s := range []model.Severity{"critical", "high", "medium", "low"} {
		g := regexp.MustCompile(`(?s)<g class="trend-` + string(s) + `">(.*?)</g>`).FindStringSubmatch(page)
		if g == nil {
			t.Fatalf("no %s series", s)
		}
		if n := strings.Count(g[1], "<circle"); n != 2 {
			t.Errorf("%s: %d points, want 2", s, n)
		}
		if !strings.Contains(g[1], fmt.Sprintf("<title>%s on %s: %d</title>", s, today, now[s])) {
			t.Errorf("%s: no point for today's %d", s, now[s])
		}
	}
}

// openNow counts the register's open risk by severity.
func openNow(t *testing.T, e *env) map[model.Severity]int {
	t.Helper()
	pf, err := e.reg.Portfolio(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := map[model.Severity]int{}
	for _, r := range pf.Risk.BySystem {
		m[r.Severity] += r.Count
	}
	return m
}
