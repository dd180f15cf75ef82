package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// The trend's points: one a week for trendWeeks weeks, the last today.
const trendWeeks = 12

// The drawing, in SVG user units: the plot area and its margins (the
// right one holds half of the last day's label, centred on its point).
const (
	trendWidth, trendHeight = 560, 220
	trendLeft, trendRight   = 44, 28
	trendTop, trendBottom   = 12, 36
)

// trendStyle draws each severity in its own colour and dash pattern, so
// that the lines differ without colour too (and every colour keeps 3:1
// against the white background).
var trendStyle = map[model.Severity]struct{ Stroke, Dash string }{
	"critical": {"#a4161a", ""},
	"high":     {"#8a3b00", "8 4"},
	"medium":   {"#0b5cad", "2 4"},
	"low":      {"#1a7f37", "10 4 2 4"},
}

// trend is the open risk (open and mitigating threats) of the systems a
// reader may see, by residual severity, over the last weeks: recorded
// days from the risk history, and today from the live counters.
type trend struct {
	Days   []trendDay
	Series []trendSeries
	YTicks []trendTick
	// Recorded counts the days with a record (today always has one).
	Recorded int
	// Width, Height, Left, Bottom place the axes in the template.
	Width, Height, Left, Right, Bottom int
}

type trendDay struct {
	Day      string
	Label    string
	X        int
	Recorded bool
	Counts   map[model.Severity]int
}

type trendSeries struct {
	Severity     model.Severity
	Stroke, Dash string
	// Lines are polyline point lists: a day without a record breaks the line.
	Lines  []string
	Points []trendPoint
	// LegendX places the series' legend entry.
	LegendX int
}

type trendPoint struct {
	X, Y  int
	Day   string
	Count int
}

type trendTick struct {
	Y     int
	Value int
}

// riskTrend reads the history of the days before today for the systems
// (nil: all) and draws it with today's counts.
func (u *UI) riskTrend(ctx context.Context, systems []string, today map[model.Severity]int) (trend, error) {
	now := u.opts.Now().UTC()
	days := make([]string, trendWeeks)
	for k := range trendWeeks {
		days[k] = now.AddDate(0, 0, -7*(trendWeeks-1-k)).Format(time.DateOnly)
	}
	recs, err := u.reg.RiskHistory(ctx, systems, days[:trendWeeks-1])
	if err != nil {
		return trend{}, err
	}
	byDay := map[string]map[model.Severity]int{}
	for _, r := range recs {
		if byDay[r.Day] == nil {
			byDay[r.Day] = map[model.Severity]int{}
		}
		byDay[r.Day][r.Severity] += r.Count
	}
	byDay[days[trendWeeks-1]] = today
	return newTrend(days, byDay), nil
}

func newTrend(days []string, byDay map[string]map[model.Severity]int) trend {
	t := trend{Width: trendWidth, Height: trendHeight, Left: trendLeft, Right: trendWidth - trendRight, Bottom: trendHeight - trendBottom}
	top := 0
	for _, d := range days {
		for _, n := range byDay[d] {
			top = max(top, n)
		}
	}
	step := niceStep(top)
	top = max(step, (top+step-1)/step*step)
	plotW, plotH := trendWidth-trendLeft-trendRight, trendHeight-trendTop-trendBottom
	y := func(n int) int { return trendTop + plotH - n*plotH/top }
	for v := 0; v <= top; v += step {
		t.YTicks = append(t.YTicks, trendTick{Y: y(v), Value: v})
	}
	for k, d := range days {
		counts, ok := byDay[d]
		day := trendDay{Day: d, X: trendLeft + k*plotW/max(1, len(days)-1), Recorded: ok, Counts: counts}
		// Every other week is labelled, the last (today) always.
		if tm, err := time.Parse(time.DateOnly, d); err == nil && (len(days)-1-k)%2 == 0 {
			day.Label = tm.Format("2 Jan")
		}
		if ok {
			t.Recorded++
		}
		t.Days = append(t.Days, day)
	}
	for n, sev := range severities {
		st := trendStyle[sev]
		s := trendSeries{Severity: sev, Stroke: st.Stroke, Dash: st.Dash, LegendX: trendLeft + n*plotW/len(severities)}
		var line []string
		flush := func() {
			if len(line) > 0 {
				s.Lines = append(s.Lines, strings.Join(line, " "))
			}
			line = nil
		}
		for _, d := range t.Days {
			if !d.Recorded {
				flush()
				continue
			}
			p := trendPoint{X: d.X, Y: y(d.Counts[sev]), Day: d.Day, Count: d.Counts[sev]}
			s.Points = append(s.Points, p)
			line = append(line, strconv.Itoa(p.X)+","+strconv.Itoa(p.Y))
		}
		flush()
		t.Series = append(t.Series, s)
	}
	return t
}

// niceStep is a round tick interval (1, 2 or 5 times a power of ten) for
// about four ticks up to top.
func niceStep(top int) int {
	step := 1
	for (top+step-1)/step > 4 {
		switch s := fmt.Sprint(step); s[0] {
		case '1':
			step *= 2
		case '2':
			step = step / 2 * 5
		default:
			step *= 2
		}
	}
	return step
}

// openBySeverity sums the counters of the portfolio by severity.
func openBySeverity(rs []store.SystemRisk) map[model.Severity]int {
	m := map[model.Severity]int{}
	for _, r := range rs {
		m[r.Severity] += r.Count
	}
	return m
}
