package report

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/risk"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
	"github.com/rampart-sec/rampart/internal/treatment"
)

// JSON writes the result in Rampart's versioned JSON format
// (docs/analysis-json.md). What a rule says about all of its threats (title,
// STRIDE, references, base ratings, recommended controls, Threagile ids) is
// written once in the rules section; a threat carries one of those fields
// only where its value differs from its rule's, so nothing is lost.
func JSON(w io.Writer, r *analysis.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(lean(r)); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// jsonResult is analysis.Result with the rules section and lean threats.
type jsonResult struct {
	FormatVersion string                `json:"format_version"`
	Tool          string                `json:"tool"`
	AsOf          string                `json:"as_of"`
	System        analysis.SystemInfo   `json:"system"`
	Files         []string              `json:"files"`
	Counts        analysis.ModelCounts  `json:"model"`
	Appetite      analysis.AppetiteInfo `json:"appetite"`
	Matrix        risk.Matrix           `json:"matrix"`
	Summary       analysis.Summary      `json:"summary"`
	Rules         []jsonRule            `json:"rules"`
	Threats       []jsonThreat          `json:"threats"`
	Paths         []analysis.AttackPath `json:"attack_paths"`
	Stride        []threats.StrideCell  `json:"stride"`
	Warnings      model.Problems        `json:"warnings"`
	Policy        policy.Info           `json:"policy"`
}

// ruleFields are the fields a rule shares with its threats.
type ruleFields struct {
	Title       *string         `json:"title,omitempty"`
	STRIDE      *[]model.STRIDE `json:"stride,omitempty"`
	Category    *string         `json:"category,omitempty"`
	CWE         *[]threats.Ref  `json:"cwe,omitempty"`
	CAPEC       *[]threats.Ref  `json:"capec,omitempty"`
	ATTACK      *[]threats.Ref  `json:"attack,omitempty"`
	Likelihood  *int            `json:"base_likelihood,omitempty"`
	Impact      *int            `json:"base_impact,omitempty"`
	Mitigations *[]string       `json:"mitigations,omitempty"`
	Threagile   *[]string       `json:"threagile,omitempty"`
	Concern     *string         `json:"concern,omitempty"`
}

// jsonRule is one rule that found threats.
type jsonRule struct {
	ID     string         `json:"id"`
	Origin threats.Origin `json:"origin"`
	ruleFields
	// Why and Fix are the rule's explanation, for built-in rules.
	Why string `json:"why,omitempty"`
	Fix string `json:"how_to_fix,omitempty"`
}

// jsonThreat is a finding whose rule-level fields are in its rule.
type jsonThreat struct {
	ID          string         `json:"id"`
	Rule        string         `json:"rule"`
	Origin      threats.Origin `json:"origin"`
	Description string         `json:"description"`
	ruleFields
	Targets   []string        `json:"targets"`
	Data      []string        `json:"data,omitempty"`
	InPlace   []string        `json:"controls_in_place,omitempty"`
	Planned   []string        `json:"controls_planned,omitempty"`
	Pos       model.Pos       `json:"position"`
	Inherent  risk.Score      `json:"inherent"`
	Residual  risk.Score      `json:"residual"`
	Factors   []string        `json:"factors"`
	Treatment treatment.State `json:"treatment"`
	Limit     model.Severity  `json:"appetite_limit"`
	Breach    bool            `json:"breach"`
	// Related are the findings of the same concern folded into this threat.
	Related []threats.Related `json:"related,omitempty"`
}

// fieldsOf takes a threat's rule-level fields. Empty lists and strings are
// left out, as the full threat's omitempty fields are.
func fieldsOf(t *threats.Threat) ruleFields {
	f := ruleFields{Title: &t.Title, STRIDE: &t.STRIDE, Likelihood: &t.Likelihood, Impact: &t.Impact}
	if t.Category != "" {
		f.Category = &t.Category
	}
	for _, p := range []struct {
		dst **[]threats.Ref
		src *[]threats.Ref
	}{{&f.CWE, &t.CWE}, {&f.CAPEC, &t.CAPEC}, {&f.ATTACK, &t.ATTACK}} {
		if len(*p.src) > 0 {
			*p.dst = p.src
		}
	}
	if len(t.Mitigations) > 0 {
		f.Mitigations = &t.Mitigations
	}
	if len(t.Threagile) > 0 {
		f.Threagile = &t.Threagile
	}
	if t.Concern != "" {
		f.Concern = &t.Concern
	}
	return f
}

// minus keeps the fields of f that differ from the rule's; a field the rule
// has and f lacks is kept as an explicit empty value.
func (f ruleFields) minus(rule ruleFields) ruleFields {
	var out ruleFields
	keep := func(a, b any) bool { return !reflect.DeepEqual(a, b) }
	if keep(f.Title, rule.Title) {
		out.Title = cmpOrEmpty(f.Title)
	}
	if keep(f.STRIDE, rule.STRIDE) {
		out.STRIDE = cmpOrEmpty(f.STRIDE)
	}
	if keep(f.Category, rule.Category) {
		out.Category = cmpOrEmpty(f.Category)
	}
	if keep(f.CWE, rule.CWE) {
		out.CWE = cmpOrEmpty(f.CWE)
	}
	if keep(f.CAPEC, rule.CAPEC) {
		out.CAPEC = cmpOrEmpty(f.CAPEC)
	}
	if keep(f.ATTACK, rule.ATTACK) {
		out.ATTACK = cmpOrEmpty(f.ATTACK)
	}
	if keep(f.Likelihood, rule.Likelihood) {
		out.Likelihood = cmpOrEmpty(f.Likelihood)
	}
	if keep(f.Impact, rule.Impact) {
		out.Impact = cmpOrEmpty(f.Impact)
	}
	if keep(f.Mitigations, rule.Mitigations) {
		out.Mitigations = cmpOrEmpty(f.Mitigations)
	}
	if keep(f.Threagile, rule.Threagile) {
		out.Threagile = cmpOrEmpty(f.Threagile)
	}
	if keep(f.Concern, rule.Concern) {
		out.Concern = cmpOrEmpty(f.Concern)
	}
	return out
}

// cmpOrEmpty returns p, or a pointer to the zero value when p is nil, so
// that a threat lacking a field its rule has says so explicitly.
func cmpOrEmpty[T any](p *T) *T {
	if p != nil {
		return p
	}
	return new(T)
}

// lean moves the rule-level fields of the result's threats into rules.
func lean(r *analysis.Result) jsonResult {
	out := jsonResult{FormatVersion: r.FormatVersion, Tool: r.Tool, AsOf: r.AsOf, System: r.System, Files: r.Files,
		Counts: r.Counts, Appetite: r.Appetite, Matrix: r.Matrix, Summary: r.Summary, Paths: r.Paths,
		Stride: r.Stride, Warnings: r.Warnings, Policy: r.Policy, Rules: []jsonRule{}, Threats: make([]jsonThreat, 0, len(r.Findings))}
	at := map[string]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		t := f.Threat
		all := fieldsOf(t)
		lt := jsonThreat{ID: t.ID, Rule: t.Rule, Origin: t.Origin, Description: t.Description, Targets: t.Targets,
			Data: t.Data, InPlace: t.InPlace, Planned: t.Planned, Pos: t.Pos, Inherent: f.Inherent, Residual: f.Residual,
			Factors: f.Factors, Treatment: f.Treatment, Limit: f.Limit, Breach: f.Breach, Related: t.Related}
		if t.Origin == threats.OriginManual || t.Rule == "" {
			// A hand-written threat is its own rule.
			lt.ruleFields = all
			out.Threats = append(out.Threats, lt)
			continue
		}
		k, ok := at[t.Rule]
		if !ok {
			k = len(out.Rules)
			at[t.Rule] = k
			// The rule's own fields: a collapsed threat also carries
			// those of the findings folded into it.
			jr := jsonRule{ID: t.Rule, Origin: t.Origin, ruleFields: fieldsOf(t.Own())}
			if meta, ok := builtin.Lookup(t.Rule); ok {
				jr.Why, jr.Fix = meta.Why, meta.Mitigation
			}
			out.Rules = append(out.Rules, jr)
		}
		lt.ruleFields = all.minus(out.Rules[k].ruleFields)
		out.Threats = append(out.Threats, lt)
	}
	slices.SortFunc(out.Rules, func(a, b jsonRule) int { return strings.Compare(a.ID, b.ID) })
	return out
}
