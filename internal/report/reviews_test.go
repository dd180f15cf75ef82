package report

import (
	"context"
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

// TestReviewsInEveryReport checks that the review deadlines the analysis
// found (an overdue model review and an acceptance close to its expiry)
// appear in the table, Markdown, HTML, SARIF and JSON.
func TestReviewsInEveryReport(t *testing.T) {
	t.Chdir("../..")
	m, problems, err := model.Load(context.Background(), "examples/online-shop.yaml", model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("load: %v %v", err, problems.Errors())
	}
	// Reviewed 2026-09-15 every 90 days, and an acceptance expiring on
	// 2027-03-31: both are due on 2027-03-10.
	m.Settings = &model.Settings{ReviewIntervalDays: 90}
	r := analysis.Analyze(m, analysis.Options{Now: time.Date(2027, 3, 10, 0, 0, 0, 0, time.UTC), Tool: "rampart test"})
	var msgs []string
	for _, p := range r.Reviews {
		msgs = append(msgs, p.Message)
	}
	joined := strings.Join(msgs, "\n")
	for _, w := range []string{"review is overdue: last reviewed 2026-09-15, due every 90 days (since 2026-12-14)",
		"expires on 2027-03-31, in 21 days"} {
		if !strings.Contains(joined, w) {
			t.Fatalf("the analysis does not say %q; the test would prove nothing:\n%s", w, joined)
		}
	}
	tests := []struct {
		format string
		want   func(msg string) string
	}{
		{"table", func(m string) string { return "\n" + m + "\n" }},
		{"markdown", func(m string) string { return "`: " + mdEscape(upperFirst(m)) }},
		{"html", func(m string) string { return "</b> " + html.EscapeString(m) + " (<code>" }},
		{"json", func(m string) string { b, _ := json.Marshal(m); return `"message": ` + string(b) }},
		{"sarif", func(m string) string { b, _ := json.Marshal(m); return `"text": ` + strings.TrimSuffix(string(b), `"`) }},
	}
	for _, tt := range tests {
		out := string(renderFormat(t, tt.format, r, Options{}))
		for _, msg := range msgs {
			if !strings.Contains(out, tt.want(msg)) {
				t.Errorf("%s lacks the review %q", tt.format, msg)
			}
		}
		if tt.format == "markdown" && !strings.Contains(out, "\n## Reviews\n") {
			t.Errorf("markdown has no Reviews section")
		}
	}

	out := renderFormat(t, "sarif", r, Options{})
	rep, err := sarif.FromBytes(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Errorf("SARIF fails the 2.1.0 schema: %v", err)
	}
	var raw struct {
		Runs []struct {
			Invocations []struct {
				Execution []struct {
					Level     string `json:"level"`
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
							Region           struct{ StartLine int } `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Runs) != 1 || len(raw.Runs[0].Invocations) != 1 || len(raw.Runs[0].Invocations[0].Execution) != len(r.Reviews) {
		t.Fatalf("SARIF: want one invocation with %d tool execution notifications: %+v", len(r.Reviews), raw.Runs)
	}
	for i, n := range raw.Runs[0].Invocations[0].Execution {
		if n.Level != "warning" || len(n.Locations) != 1 || n.Locations[0].PhysicalLocation.ArtifactLocation.URI != "examples/online-shop.yaml" ||
			n.Locations[0].PhysicalLocation.Region.StartLine < 1 {
			t.Errorf("SARIF notification %d: %+v, want a warning at a line of the model", i, n)
		}
	}
}
