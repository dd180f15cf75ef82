package analysis

import (
	"strings"
	"testing"
	"time"
)

// TestReviews checks that an overdue model review and an acceptance close to
// its expiry are reported as of the analysis date.
func TestReviews(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: s, name: S, risk_owner: sro, reviewed: 2026-01-10}
settings: {review_interval_days: 90}
components:
  - {id: app, type: service}
treatments:
  - {threat: rule-x@app, status: accepted, accepted_by: sro, justification: j, expires: 2026-12-20}
`)
	tests := []struct {
		day  time.Time
		want []string
	}{
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), nil},
		{time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), []string{"review is overdue: last reviewed 2026-01-10, due every 90 days (since 2026-04-10)"}},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), []string{"review is overdue", "the acceptance of rule-x@app expires on 2026-12-20, in 19 days"}},
		{time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC), []string{"review is overdue"}},
	}
	for _, tt := range tests {
		got := reviews(m, tt.day)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %d reminders", tt.day.Format(time.DateOnly), got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if !strings.Contains(got[i].Message, w) || !got[i].IsWarning() {
				t.Errorf("%s: %q does not say %q", tt.day.Format(time.DateOnly), got[i].Message, w)
			}
		}
	}
	m.System.Reviewed = nil
	if got := reviews(m, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); len(got) != 1 || !strings.Contains(got[0].Message, "never been reviewed") {
		t.Errorf("no review date: %v", got)
	}
}
