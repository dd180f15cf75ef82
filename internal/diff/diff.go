// Package diff compares two analysed versions of a model: which elements
// (components, data assets, trust boundaries, controls) and flows were
// added, removed or changed, which threats are new or gone, and whose
// residual risk moved. `rampart diff` prints it for two files or two
// versions on the server.
package diff

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/risk"
)

// Kind of change.
type Kind string

// Kinds of change.
const (
	Added   Kind = "added"
	Removed Kind = "removed"
	Changed Kind = "changed"
)

// Element is one changed element or flow.
type Element struct {
	// Type is component, data, trust_boundary, control or flow.
	Type   string `json:"type"`
	ID     string `json:"id"`
	Change Kind   `json:"change"`
	// Fields lists the top-level fields that differ, for a change.
	Fields []string `json:"fields,omitempty"`
}

// Threat is one threat that appeared, went, or whose risk or status moved.
type Threat struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Change Kind   `json:"change"`
	// Before and After are the residual scores (zero when absent).
	Before risk.Score `json:"before"`
	After  risk.Score `json:"after"`
	// StatusBefore and StatusAfter are the register states.
	StatusBefore string `json:"status_before,omitempty"`
	StatusAfter  string `json:"status_after,omitempty"`
}

// Report is the whole comparison.
type Report struct {
	Elements []Element `json:"elements"`
	Threats  []Threat  `json:"threats"`
	// Open and Breaches count untreated threats and those above appetite, before and after.
	OpenBefore     int `json:"open_before"`
	OpenAfter      int `json:"open_after"`
	BreachesBefore int `json:"breaches_before"`
	BreachesAfter  int `json:"breaches_after"`
}

// Empty reports whether nothing changed.
func (r *Report) Empty() bool { return len(r.Elements) == 0 && len(r.Threats) == 0 }

// Compare diffs two analyses of the same system.
func Compare(before, after *analysis.Result) *Report {
	r := &Report{Elements: []Element{}, Threats: []Threat{},
		OpenBefore: before.Summary.Open, OpenAfter: after.Summary.Open,
		BreachesBefore: before.Summary.Breaches, BreachesAfter: after.Summary.Breaches}
	bm, am := modelOf(before), modelOf(after)
	r.Elements = append(r.Elements, elements("component", bm.Components, am.Components, func(c model.Component) string { return c.ID })...)
	r.Elements = append(r.Elements, elements("data", bm.Data, am.Data, func(d model.DataAsset) string { return d.ID })...)
	r.Elements = append(r.Elements, elements("trust_boundary", bm.TrustBoundaries, am.TrustBoundaries, func(b model.TrustBoundary) string { return b.ID })...)
	r.Elements = append(r.Elements, elements("control", bm.Controls, am.Controls, func(c model.Control) string { return c.ID })...)
	r.Elements = append(r.Elements, elements("flow", bm.Flows, am.Flows, func(f model.Flow) string { return f.ID })...)

	old := map[string]*analysis.Finding{}
	for i := range before.Findings {
		old[before.Findings[i].ID] = &before.Findings[i]
	}
	seen := map[string]bool{}
	for i := range after.Findings {
		f := &after.Findings[i]
		seen[f.ID] = true
		o := old[f.ID]
		switch {
		case o == nil:
			r.Threats = append(r.Threats, Threat{ID: f.ID, Title: f.Title, Change: Added, After: f.Residual, StatusAfter: string(f.Treatment.Status)})
		case o.Residual != f.Residual || o.Treatment.Status != f.Treatment.Status || o.Treatment.Expired != f.Treatment.Expired:
			r.Threats = append(r.Threats, Threat{ID: f.ID, Title: f.Title, Change: Changed, Before: o.Residual, After: f.Residual,
				StatusBefore: status(o), StatusAfter: status(f)})
		}
	}
	for i := range before.Findings {
		f := &before.Findings[i]
		if !seen[f.ID] {
			r.Threats = append(r.Threats, Threat{ID: f.ID, Title: f.Title, Change: Removed, Before: f.Residual, StatusBefore: status(f)})
		}
	}
	slices.SortFunc(r.Threats, func(a, b Threat) int {
		return cmp.Or(cmp.Compare(kindRank(a.Change), kindRank(b.Change)),
			cmp.Compare(max(b.After.Severity.Rank(), b.Before.Severity.Rank()), max(a.After.Severity.Rank(), a.Before.Severity.Rank())),
			cmp.Compare(a.ID, b.ID))
	})
	return r
}

func status(f *analysis.Finding) string {
	if f.Treatment.Expired {
		return string(f.Treatment.Status) + " (expired)"
	}
	return string(f.Treatment.Status)
}

func kindRank(k Kind) int {
	switch k {
	case Added:
		return 0
	case Changed:
		return 1
	}
	return 2
}

func modelOf(r *analysis.Result) *model.Model {
	if r.Model == nil {
		return &model.Model{}
	}
	return r.Model
}

// elements diffs one list of elements by id; a change lists the fields
// whose JSON encodings differ.
func elements[T any](typ string, before, after []T, id func(T) string) []Element {
	old := map[string]T{}
	for _, e := range before {
		old[id(e)] = e
	}
	var out []Element
	seen := map[string]bool{}
	for _, e := range after {
		k := id(e)
		seen[k] = true
		o, ok := old[k]
		if !ok {
			out = append(out, Element{Type: typ, ID: k, Change: Added})
			continue
		}
		if fields := changedFields(o, e); len(fields) > 0 {
			out = append(out, Element{Type: typ, ID: k, Change: Changed, Fields: fields})
		}
	}
	for _, e := range before {
		if !seen[id(e)] {
			out = append(out, Element{Type: typ, ID: id(e), Change: Removed})
		}
	}
	slices.SortStableFunc(out, func(a, b Element) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func changedFields(a, b any) []string {
	ma, mb := fields(a), fields(b)
	var out []string
	for k, va := range ma {
		if vb, ok := mb[k]; !ok || !bytes.Equal(va, vb) {
			out = append(out, k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func fields(v any) map[string]json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}
