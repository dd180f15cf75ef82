package html

import (
	"bytes"
	"context"
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/link"
	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// TestDetectionCoverage renders the report with the shared Sigma rules and
// checks the section against the detection package's own coverage: every
// threat no rule detects is in a "no rule" row, every detected one in a
// row naming its rules, the counts agree, and without rules there is no
// section.
func TestDetectionCoverage(t *testing.T) {
	dir := testfixtures.Path(t, "sigma/rules")
	set, err := ruleset.Load(context.Background(), []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := analyse(t, example)
	cov := link.Compute(link.Threats(r), set.Rules)
	if len(cov.Uncovered) == 0 || len(cov.Uncovered)+len(cov.NoTechniques) == len(cov.Threats) {
		t.Fatalf("the rules detect none or all of the threats (%d of %d uncovered): the test would prove little", len(cov.Uncovered), len(cov.Threats))
	}
	for _, tt := range []struct {
		name    string
		summary bool
	}{{"full", false}, {"summary", true}} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(context.Background(), &buf, r, Options{NoDiagram: true, Summary: tt.summary,
				Detection: &Detection{Rules: set.Rules, Sources: []string{"rules"}}}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			start := strings.Index(out, `<section id="detection"`)
			if start < 0 || !strings.Contains(out, `href="#detection"`) {
				t.Fatal("no detection-coverage section, or not in the contents")
			}
			sec := out[start:]
			sec = html.UnescapeString(sec[:strings.Index(sec, "</section>")])
			table, _, _ := strings.Cut(sec, "</tbody>")
			rows := strings.Split(table, "\n<tr")
			rowOf := func(id string) string {
				for _, row := range rows[1:] {
					if strings.Contains(row, id+"<") || strings.Contains(row, id+",") || strings.Contains(row, id+" ") {
						return row
					}
				}
				return ""
			}
			uncovered := map[string]bool{}
			for _, id := range cov.Uncovered {
				uncovered[id] = true
				if row := rowOf(id); !strings.Contains(row, "no rule") {
					t.Errorf("undetected threat %s is not in a 'no rule' row: %.200q", id, row)
				}
			}
			for _, tc := range cov.Threats {
				if len(tc.Rules) == 0 {
					continue
				}
				row := rowOf(tc.ID)
				if strings.Contains(row, "no rule") {
					t.Errorf("detected threat %s is in a 'no rule' row", tc.ID)
				}
				if !strings.Contains(row, tc.Rules[0].Title) {
					t.Errorf("the row of %s does not name the rule %q", tc.ID, tc.Rules[0].Title)
				}
			}
			for _, id := range cov.NoTechniques {
				if !strings.Contains(sec, id) {
					t.Errorf("threat %s without techniques is not listed", id)
				}
			}
			for _, card := range []string{
				strconv.Itoa(len(cov.Threats)-len(cov.Uncovered)-len(cov.NoTechniques)) + `</span><span class="lbl">threats some rule detects`,
				strconv.Itoa(len(cov.Uncovered)) + `</span><span class="lbl">threats no rule detects`,
				strconv.Itoa(len(cov.NoTechniques)) + `</span><span class="lbl">without ATT&CK techniques`,
			} {
				if !strings.Contains(sec, card) {
					t.Errorf("the section lacks the figure %q", card)
				}
			}
			if tt.summary == strings.Contains(sec, `href="#t-`) {
				t.Errorf("summary %v: links to threat details %v", tt.summary, !tt.summary)
			}
		})
	}
	if out := render(t, r); strings.Contains(out, `id="detection"`) {
		t.Error("a report without rules has a detection-coverage section")
	}
}
