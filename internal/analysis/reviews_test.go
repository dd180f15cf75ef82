package analysis

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
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

// TestAcceptanceDeadlines checks that an acceptance cannot outrun
// settings.max_acceptance_days by leaving out its review date or by giving
// one in the future, and that a review date after the analysis date is
// reported rather than taken as a review.
func TestAcceptanceDeadlines(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: s, name: S, risk_owner: sro, reviewed: 2027-06-01}
risk_appetite: {max_severity: low}
settings: {max_acceptance_days: 180}
data:
  - {id: secrets, classification: restricted, cia: {integrity: high}}
components:
  - {id: within, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: unreviewed, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: future-review, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
treatments:
  - {threat: rule-x@within, status: accepted, accepted_by: sro, justification: j, expires: 2027-05-23}
  - {threat: rule-x@unreviewed, status: accepted, accepted_by: sro, justification: j, expires: 2099-12-31}
  - {threat: rule-x@future-review, status: accepted, accepted_by: sro, justification: j, reviewed: 2099-10-01, expires: 2099-12-31}
`)
	r := Analyze(m, Options{Rules: []threats.Rule{tagRule("rule-x", "x", model.Tampering, 3, 3)}, Now: asOf})
	want := map[string]string{ // id: open/breach
		"rule-x@within":        "open=false breach=false",
		"rule-x@unreviewed":    "open=true breach=true",
		"rule-x@future-review": "open=true breach=true",
	}
	for _, f := range r.Findings {
		if got := fmt.Sprintf("open=%v breach=%v", f.Treatment.Open(), f.Breach); got != want[f.ID] {
			t.Errorf("%s: %s, want %s", f.ID, got, want[f.ID])
		}
	}
	var msgs []string
	for _, p := range r.Reviews {
		msgs = append(msgs, p.String())
	}
	all := strings.Join(msgs, "\n")
	for _, w := range []string{
		"system.reviewed: the model's review date 2027-06-01 is after the date of the analysis (2026-11-24)",
		"treatments[1].expires: the acceptance of rule-x@unreviewed expires on 2099-12-31, more than 180 days (settings.max_acceptance_days) after 2026-11-24",
		"treatments[2].expires: the acceptance of rule-x@future-review expires on 2099-12-31, more than 180 days",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("reviews lack %q:\n%s", w, all)
		}
	}
	if strings.Contains(all, "rule-x@within") {
		t.Errorf("an acceptance within the limit is reported:\n%s", all)
	}
}
