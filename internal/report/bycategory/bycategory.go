// Package bycategory groups an analysis's threats by methodology (STRIDE,
// LINDDUN) and category, as every report format shows them: a matrix of
// elements by category, a likelihood × impact heatmap of the open threats
// and the appetite limit of each category.
package bycategory

import (
	"slices"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

// MatrixLimit is the most element rows a document (markdown, HTML, PDF)
// shows in a matrix, the elements with the most threats first; the
// spreadsheet lists every element.
const MatrixLimit = 200

// Section is one methodology's threats.
type Section struct {
	// Name is the methodology as reports spell it: STRIDE or LINDDUN.
	Name       string
	Categories []Category
	// Rows are the elements with at least one threat of the methodology,
	// in model order (components, then flows, then others by id).
	Rows []Row
	// Heatmap[l-1][i-1] counts the open threats of the methodology by
	// residual likelihood and impact.
	Heatmap [5][5]int
	// Threats and Open count the methodology's threats.
	Threats, Open int
}

// Category is one category of a methodology.
type Category struct {
	Name string
	// Threats and Open count the threats in the category.
	Threats, Open int
	// Limit is the appetite for the category: its own limit when the
	// appetite sets one (for LINDDUN, or the stricter "privacy" one), else
	// the maximum residual severity.
	Limit model.Severity
}

// TopRows returns at most n rows, those of the elements with the most
// threats (in row order among equals), and how many were left out.
func (s Section) TopRows(n int) ([]Row, int) {
	if len(s.Rows) <= n {
		return s.Rows, 0
	}
	rows := slices.Clone(s.Rows)
	slices.SortStableFunc(rows, func(a, b Row) int { return b.Total() - a.Total() })
	return rows[:n], len(rows) - n
}

// Total counts the row's threats over every category.
func (r Row) Total() int {
	n := 0
	for _, c := range r.Counts {
		n += c
	}
	return n
}

// Row counts one element's threats by category.
type Row struct {
	Element string
	// Counts[i] counts the element's threats in Categories[i].
	Counts []int
}

// Sections returns the STRIDE section when a threat has a STRIDE category
// and the LINDDUN section when one has a LINDDUN category, in that order.
func Sections(r *analysis.Result) []Section {
	stride := newSection("STRIDE", model.STRIDE("").Values(), r.Appetite, "")
	linddun := newSection("LINDDUN", model.LINDDUN("").Values(), r.Appetite, "privacy")
	order := elementOrder(r.Model)
	for i := range r.Findings {
		f := &r.Findings[i]
		stride.add(f, strs(f.STRIDE))
		linddun.add(f, strs(f.LINDDUN))
	}
	var out []Section
	for _, s := range []*section{stride, linddun} {
		if s.Threats > 0 {
			out = append(out, s.finish(order))
		}
	}
	return out
}

// section is a Section being counted.
type section struct {
	Section
	index map[string]int   // category name → index
	rows  map[string][]int // element → counts
}

func newSection(name string, cats []string, a analysis.AppetiteInfo, family string) *section {
	s := &section{Section: Section{Name: name}, index: map[string]int{}, rows: map[string][]int{}}
	for i, c := range cats {
		var limit model.Severity
		for _, key := range []string{c, family} {
			if l, ok := a.ByCategory[key]; ok && key != "" && (limit == "" || l.Rank() < limit.Rank()) {
				limit = l
			}
		}
		if limit == "" {
			limit = a.MaxSeverity
		}
		s.Categories = append(s.Categories, Category{Name: c, Limit: limit})
		s.index[c] = i
	}
	return s
}

// add counts a finding in the categories of this methodology it has.
func (s *section) add(f *analysis.Finding, cats []string) {
	if len(cats) == 0 {
		return
	}
	open := f.Treatment.Open()
	s.Threats++
	if open {
		s.Open++
		if l, i := f.Residual.Likelihood, f.Residual.Impact; l >= 1 && l <= 5 && i >= 1 && i <= 5 {
			s.Heatmap[l-1][i-1]++
		}
	}
	for _, c := range cats {
		ci, ok := s.index[c]
		if !ok {
			continue
		}
		s.Categories[ci].Threats++
		if open {
			s.Categories[ci].Open++
		}
		for _, e := range f.Targets {
			if s.rows[e] == nil {
				s.rows[e] = make([]int, len(s.Categories))
			}
			s.rows[e][ci]++
		}
	}
}

func (s *section) finish(order map[string]int) Section {
	for e, counts := range s.rows {
		s.Rows = append(s.Rows, Row{Element: e, Counts: counts})
	}
	slices.SortFunc(s.Rows, func(a, b Row) int {
		oa, okA := order[a.Element]
		ob, okB := order[b.Element]
		switch {
		case okA && okB:
			return oa - ob
		case okA:
			return -1
		case okB:
			return 1
		}
		if a.Element < b.Element {
			return -1
		}
		return 1
	})
	return s.Section
}

// elementOrder numbers the model's components, then its flows.
func elementOrder(m *model.Model) map[string]int {
	order := map[string]int{}
	if m == nil {
		return order
	}
	for i := range m.Components {
		order[m.Components[i].ID] = len(order)
	}
	for i := range m.Flows {
		if _, ok := order[m.Flows[i].ID]; !ok {
			order[m.Flows[i].ID] = len(order)
		}
	}
	return order
}

func strs[T ~string](v []T) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = string(s)
	}
	return out
}
