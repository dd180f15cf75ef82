package bycategory

import (
	"slices"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/reporttest"
)

func analyse(t *testing.T, path string) *analysis.Result {
	t.Helper()
	return reporttest.Analyse(t, path, analysis.Options{Now: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)})
}

// TestSections checks every example's sections against counts taken from
// its findings: a section per methodology that has threats, each
// threat in its categories' totals and heatmap cell, and each element and
// category pair of a threat counted once in the matrix.
func TestSections(t *testing.T) {
	t.Chdir("../../..")
	tests := []struct {
		path string
		// linddun is whether the example holds personal data analysed
		// under LINDDUN and so must show a LINDDUN section.
		linddun bool
	}{
		{"examples/online-shop.yaml", true},
		{"examples/hr-saas.yaml", true},
		{"examples/rag-assistant/rampart.yaml", true},
		{"examples/iot-telemetry/rampart.yaml", true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := analyse(t, tt.path)
			secs := Sections(r)
			var names []string
			for _, s := range secs {
				names = append(names, s.Name)
			}
			if got := slices.Contains(names, "LINDDUN"); got != tt.linddun {
				t.Fatalf("sections %v: LINDDUN %v, want %v", names, got, tt.linddun)
			}
			for _, s := range secs {
				want := map[string]int{}     // category → threats
				cells := map[[2]string]int{} // element, category → threats
				var heat [5][5]int
				threats := 0
				for i := range r.Findings {
					f := &r.Findings[i]
					cats := strs(f.STRIDE)
					if s.Name == "LINDDUN" {
						cats = strs(f.LINDDUN)
					}
					if len(cats) == 0 {
						continue
					}
					threats++
					if f.Treatment.Open() {
						heat[f.Residual.Likelihood-1][f.Residual.Impact-1]++
					}
					for _, c := range cats {
						want[c]++
						for _, e := range f.Targets {
							cells[[2]string{e, c}]++
						}
					}
				}
				if s.Threats != threats || s.Heatmap != heat {
					t.Errorf("%s: %d threats, heatmap %v; want %d, %v", s.Name, s.Threats, s.Heatmap, threats, heat)
				}
				for _, c := range s.Categories {
					if c.Threats != want[c.Name] {
						t.Errorf("%s %s: %d threats, want %d", s.Name, c.Name, c.Threats, want[c.Name])
					}
					if c.Limit == "" {
						t.Errorf("%s %s: no appetite limit", s.Name, c.Name)
					}
				}
				got := map[[2]string]int{}
				for _, row := range s.Rows {
					for i, n := range row.Counts {
						if n > 0 {
							got[[2]string{row.Element, s.Categories[i].Name}] = n
						}
					}
				}
				if len(got) != len(cells) {
					t.Errorf("%s: %d matrix cells, want %d", s.Name, len(got), len(cells))
				}
				for k, n := range cells {
					if got[k] != n {
						t.Errorf("%s %v: %d, want %d", s.Name, k, got[k], n)
					}
				}
			}
		})
	}
}

// TestCategoryLimit checks the appetite shown for each category: its own
// limit, the stricter privacy limit for LINDDUN, else the maximum.
func TestCategoryLimit(t *testing.T) {
	a := analysis.AppetiteInfo{MaxSeverity: "high", ByCategory: map[string]model.Severity{
		"spoofing": "low", "privacy": "medium", "linking": "low", "unawareness": "critical"}}
	tests := []struct {
		family, cat string
		want        model.Severity
	}{
		{"", "spoofing", "low"},
		{"", "tampering", "high"},
		{"privacy", "linking", "low"},
		{"privacy", "identifying", "medium"},
		{"privacy", "unawareness", "medium"},
	}
	for _, tt := range tests {
		s := newSection("x", []string{tt.cat}, a, tt.family)
		if got := s.Categories[0].Limit; got != tt.want {
			t.Errorf("%s: limit %s, want %s", tt.cat, got, tt.want)
		}
	}
}
