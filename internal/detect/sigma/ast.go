// Package sigma reads Sigma rules (specification 2.x: detection,
// correlation and filter rules), validates them with a position for every
// problem, and compiles a rule set once into an engine that matches events.
package sigma

import (
	"slices"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
)

// Kind is what a rule document is.
type Kind uint8

// The kinds of Sigma rules.
const (
	DetectionRule Kind = iota
	CorrelationRule
	FilterRule
)

func (k Kind) String() string {
	switch k {
	case CorrelationRule:
		return "correlation"
	case FilterRule:
		return "filter"
	}
	return "detection"
}

// Rule is one Sigma rule document.
type Rule struct {
	Kind        Kind
	Pos         model.Pos // where the document starts
	Title       string
	ID          string
	Name        string // the name correlation rules may refer to
	Status      string
	Level       string
	Description string
	Author      string
	Tags        []string
	Fields      []string
	LogSource   LogSource
	Detection   *Detection   // detection rules, and the selections of filter rules
	Correlation *Correlation // correlation rules
	Filter      *Filter      // filter rules
}

// LogSource says which logs a rule reads.
type LogSource struct {
	Category string
	Product  string
	Service  string
}

// Detection is the detection section: named searches and the condition.
type Detection struct {
	Pos      model.Pos
	Searches map[string]*Search
	Order    []string // search names in document order
	// Conditions are OR-ed; most rules have one.
	Conditions []Condition
	// Required are searches (added by processing pipelines) every
	// condition is AND-ed with; Forbidden are AND-ed negated.
	Required, Forbidden []string
}

// Condition is one condition expression with where it was written.
type Condition struct {
	Text string
	Pos  model.Pos
	Path string
}

// Search is one search identifier: alternatives (a list of maps) each of
// which is a conjunction of items, or, for keyword searches, one item with
// an empty field name.
type Search struct {
	Name string
	Pos  model.Pos
	// Alternatives are OR-ed; the items of one alternative are AND-ed.
	Alternatives [][]*Item
}

// Item is one field (or keyword list) with its modifiers and values.
type Item struct {
	Field     string // "" for keywords
	Modifiers []string
	Values    []Value
	Pos       model.Pos
	Path      string
}

// ValueKind is the YAML type of a value.
type ValueKind uint8

// The kinds of values.
const (
	StringValue ValueKind = iota
	NumberValue
	BoolValue
	NullValue
)

// Value is one value of an item, as written.
type Value struct {
	Kind ValueKind
	Text string
	Pos  model.Pos
	Path string
}

// Correlation is the correlation section of a correlation rule.
type Correlation struct {
	Type     string
	Rules    []string
	GroupBy  []string
	Timespan time.Duration
	// Aliases map an alias field to each referred rule's own field.
	Aliases   map[string]map[string]string
	Generate  bool
	Condition CorrelationCondition
	Pos       model.Pos
}

// CorrelationCondition is the threshold of a correlation rule.
type CorrelationCondition struct {
	Field string
	Op    string // gt, gte, lt, lte, eq, neq
	Value float64
	// Set tells whether a threshold was given (temporal rules may omit it).
	Set bool
}

// Filter is the filter section of a filter rule: which rules it applies to;
// its selections and condition are in Rule.Detection.
type Filter struct {
	Rules []string
	Pos   model.Pos
}

// Ref returns the identifiers other rules may use for r: its id and name.
func (r *Rule) Ref() []string {
	var out []string
	if r.ID != "" {
		out = append(out, r.ID)
	}
	if r.Name != "" {
		out = append(out, r.Name)
	}
	return out
}

// Clone returns a copy of r that shares nothing a processing pipeline
// changes: log source, detection, searches, items and values.
func (r *Rule) Clone() *Rule {
	c := *r
	c.Tags = slices.Clone(r.Tags)
	if r.Detection != nil {
		d := *r.Detection
		d.Searches = make(map[string]*Search, len(r.Detection.Searches))
		for name, s := range r.Detection.Searches {
			cs := *s
			cs.Alternatives = make([][]*Item, len(s.Alternatives))
			for i, alt := range s.Alternatives {
				for _, it := range alt {
					ci := *it
					ci.Modifiers = slices.Clone(it.Modifiers)
					ci.Values = slices.Clone(it.Values)
					cs.Alternatives[i] = append(cs.Alternatives[i], &ci)
				}
			}
			d.Searches[name] = &cs
		}
		d.Order = slices.Clone(r.Detection.Order)
		d.Conditions = slices.Clone(r.Detection.Conditions)
		d.Required = slices.Clone(r.Detection.Required)
		d.Forbidden = slices.Clone(r.Detection.Forbidden)
		c.Detection = &d
	}
	return &c
}
