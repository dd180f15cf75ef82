package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/report/reporttest"
	"github.com/rampart-sec/rampart/internal/risk"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
	"github.com/rampart-sec/rampart/internal/treatment"
)

// The streaming JSON writer must write exactly what encoding/json writes
// for the document built as a whole. The reference below is that document,
// built the simple way (one tree, reflect.DeepEqual for the rule fields,
// one indented Encode).

type refResult struct {
	FormatVersion string                  `json:"format_version"`
	Tool          string                  `json:"tool"`
	AsOf          string                  `json:"as_of"`
	System        analysis.SystemInfo     `json:"system"`
	Files         []string                `json:"files"`
	Counts        analysis.ModelCounts    `json:"model"`
	Appetite      analysis.AppetiteInfo   `json:"appetite"`
	Matrix        risk.Matrix             `json:"matrix"`
	Summary       analysis.Summary        `json:"summary"`
	Rules         []jsonRule              `json:"rules"`
	Threats       []refThreat             `json:"threats"`
	Paths         []analysis.AttackPath   `json:"attack_paths"`
	Stride        []threats.StrideCell    `json:"stride"`
	Warnings      model.Problems          `json:"warnings"`
	Reviews       model.Problems          `json:"reviews"`
	ModelWarnings []analysis.ModelWarning `json:"model_warnings"`
	Policy        policy.Info             `json:"policy"`
}

type refThreat struct {
	ID          string         `json:"id"`
	Rule        string         `json:"rule"`
	Origin      threats.Origin `json:"origin"`
	Description string         `json:"description"`
	ruleFields
	Targets   []string          `json:"targets"`
	Data      []string          `json:"data,omitempty"`
	InPlace   []string          `json:"controls_in_place,omitempty"`
	Planned   []string          `json:"controls_planned,omitempty"`
	Pos       model.Pos         `json:"position"`
	Inherent  risk.Score        `json:"inherent"`
	Residual  risk.Score        `json:"residual"`
	Factors   []string          `json:"factors"`
	Treatment treatment.State   `json:"treatment"`
	Limit     model.Severity    `json:"appetite_limit"`
	Breach    bool              `json:"breach"`
	Related   []threats.Related `json:"related,omitempty"`
}

func refMinus(f, rule ruleFields) ruleFields {
	var out ruleFields
	fv, rv, ov := reflect.ValueOf(f), reflect.ValueOf(rule), reflect.ValueOf(&out).Elem()
	for i := range fv.NumField() {
		a, b := fv.Field(i), rv.Field(i)
		if reflect.DeepEqual(a.Interface(), b.Interface()) {
			continue
		}
		if a.IsNil() {
			ov.Field(i).Set(reflect.New(a.Type().Elem()))
		} else {
			ov.Field(i).Set(a)
		}
	}
	return out
}

func refJSON(t *testing.T, r *analysis.Result) []byte {
	t.Helper()
	out := refResult{FormatVersion: r.FormatVersion, Tool: r.Tool, AsOf: r.AsOf, System: r.System, Files: r.Files,
		Counts: r.Counts, Appetite: r.Appetite, Matrix: r.Matrix, Summary: r.Summary, Paths: r.Paths,
		Stride: r.Stride, Warnings: r.Warnings, Reviews: r.Reviews, ModelWarnings: r.ModelWarnings, Policy: r.Policy, Rules: []jsonRule{}, Threats: make([]refThreat, 0, len(r.Findings))}
	at := map[string]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		tt := f.Threat
		all := fieldsOf(tt)
		lt := refThreat{ID: tt.ID, Rule: tt.Rule, Origin: tt.Origin, Description: tt.Description, Targets: tt.Targets,
			Data: tt.Data, InPlace: tt.InPlace, Planned: tt.Planned, Pos: tt.Pos, Inherent: f.Inherent, Residual: f.Residual,
			Factors: f.Factors, Treatment: f.Treatment, Limit: f.Limit, Breach: f.Breach, Related: tt.Related}
		if tt.Origin == threats.OriginManual || tt.Rule == "" {
			lt.ruleFields = all
			out.Threats = append(out.Threats, lt)
			continue
		}
		k, ok := at[tt.Rule]
		if !ok {
			k = len(out.Rules)
			at[tt.Rule] = k
			jr := jsonRule{ID: tt.Rule, Origin: tt.Origin, ruleFields: fieldsOf(tt.Own())}
			if meta, ok := builtin.Lookup(tt.Rule); ok {
				jr.Why, jr.Fix = meta.Why, meta.Mitigation
			}
			out.Rules = append(out.Rules, jr)
		}
		lt.ruleFields = refMinus(all, out.Rules[k].ruleFields)
		out.Threats = append(out.Threats, lt)
	}
	slices.SortFunc(out.Rules, func(a, b jsonRule) int { return strings.Compare(a.ID, b.ID) })
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// awkward is text that needs every kind of escaping.
const awkward = "quote \" backslash \\ <tag> & amp\n\ttab\r\b\f\x01 é ☃ \u2028\u2029 bad\xff\xfe end"

// oddResult analyses a generated model, then gives its findings every
// variation the writer must reproduce: escaped text, manual threats, fields
// that differ from the rule's or are missing, empty and nil lists, every
// treatment field.
func oddResult() *analysis.Result {
	r := analysis.Analyze(reporttest.Model(60), analysis.Options{Now: asOf, Tool: "rampart " + awkward})
	r.Files = append(r.Files, awkward)
	r.Warnings = append(r.Warnings, model.Problem{Message: awkward, Hint: awkward})
	r.ModelWarnings = append(r.ModelWarnings,
		analysis.ModelWarning{ID: awkward, Rule: awkward, Title: awkward, Description: awkward, Targets: []string{awkward}, Pos: model.Pos{File: awkward, Line: 7, Column: 3}},
		analysis.ModelWarning{ID: "no-targets"}, analysis.ModelWarning{ID: "empty-targets", Targets: []string{}})
	states := []treatment.State{
		{Status: "accepted", Source: "register", Owner: awkward, Due: "2026-12-01", Justification: "j", AcceptedBy: "a",
			Expires: "2027-01-01", TransferredTo: "t", Ticket: "T-1", Expired: true, Claimed: true, Overdue: true, Key: "k"},
		{Status: "open", Source: "none", Claimed: true},
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		t := *f.Threat // the copy is changed, not the shared threat
		f.Threat = &t
		switch i % 9 {
		case 0:
			t.Title = awkward
			t.Description = awkward
		case 1:
			t.CWE, t.CAPEC, t.ATTACK = nil, []threats.Ref{}, []threats.Ref{{ID: "T1", URL: awkward}}
		case 2:
			t.STRIDE = nil
			t.Mitigations, t.Threagile = []string{awkward}, nil
		case 3:
			t.Likelihood, t.Impact, t.Category = 5, 1, "privacy"
			t.Targets, t.Data, t.InPlace, t.Planned = nil, []string{}, []string{"a", awkward}, []string{"p"}
		case 4:
			t.Origin, t.Rule = threats.OriginManual, "manual"
		case 5:
			t.Rule = ""
			f.Factors = nil
		case 6:
			t.STRIDE = []model.STRIDE{}
			f.Factors = []string{}
		}
		f.Treatment = states[i%len(states)]
		f.Breach = i%2 == 0
	}
	r.Stride = append(r.Stride, threats.StrideCell{Element: awkward, Kind: "flow", Category: "tampering", State: "open", Threats: []string{}})
	return r
}

func TestJSONStreamMatchesEncoder(t *testing.T) {
	results := map[string]*analysis.Result{
		"odd":       oddResult(),
		"generated": analysis.Analyze(reporttest.Model(300), analysis.Options{Now: asOf}),
		"empty":     analysis.Analyze(&model.Model{Rampart: 1, System: model.System{ID: "s", Name: "S"}}, analysis.Options{Now: asOf}),
	}
	nilStride := analysis.Analyze(reporttest.Model(20), analysis.Options{Now: asOf})
	nilStride.Stride, nilStride.Findings, nilStride.Files, nilStride.ModelWarnings = nil, nil, nil, nil
	results["nil lists"] = nilStride
	t.Chdir("../..")
	for _, ex := range examples {
		results[ex] = analyse(t, ex)
	}
	for name, r := range results {
		t.Run(name, func(t *testing.T) {
			want := refJSON(t, r)
			var got bytes.Buffer
			if err := JSON(&got, r); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				g, w := got.String(), string(want)
				i := 0
				for i < len(g) && i < len(w) && g[i] == w[i] {
					i++
				}
				t.Fatalf("streamed JSON differs from encoding/json at byte %d:\ngot:  %q\nwant: %q",
					i, g[max(0, i-200):min(len(g), i+200)], w[max(0, i-200):min(len(w), i+200)])
			}
		})
	}
}

// TestJSONWriterKnowsEveryField fails when a type the writer spells out by
// hand gains a JSON field: the writer must learn it too.
func TestJSONWriterKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		v    any
		want []string
	}{
		{analysis.Result{}, []string{"format_version", "tool", "as_of", "system", "files", "model", "appetite", "matrix", "summary",
			"threats", "attack_paths", "stride", "warnings", "reviews", "model_warnings", "policy"}},
		{analysis.ModelWarning{}, []string{"id", "rule", "title", "description", "targets", "position"}},
		{refThreat{}, []string{"id", "rule", "origin", "description", "title", "stride", "linddun", "category", "cwe", "capec", "attack",
			"base_likelihood", "base_impact", "mitigations", "countermeasures", "threagile", "concern", "targets", "data", "controls_in_place",
			"controls_planned", "position", "inherent", "residual", "factors", "treatment", "appetite_limit", "breach", "related"}},
		{analysis.Finding{}, []string{"id", "rule", "origin", "title", "description", "stride", "linddun", "category", "cwe", "capec", "attack",
			"targets", "data", "base_likelihood", "base_impact", "mitigations", "countermeasures", "controls_in_place", "controls_planned",
			"threagile", "position", "concern", "related", "inherent", "residual", "factors", "treatment", "appetite_limit", "breach"}},
		{threats.Ref{}, []string{"id", "name", "url"}},
		{threats.Countermeasure{}, []string{"id", "name", "kind", "for", "url"}},
		{risk.Score{}, []string{"likelihood", "impact", "score", "severity"}},
		{model.Pos{}, []string{"file", "line", "column"}},
		{treatment.State{}, []string{"status", "source", "owner", "due", "justification", "accepted_by", "expires",
			"transferred_to", "ticket", "evidence", "verified_by", "expired", "overlong", "claimed", "overdue", "key"}},
		{threats.StrideCell{}, []string{"element", "kind", "category", "state", "threats"}},
	} {
		if got := jsonNames(reflect.TypeOf(c.v)); !slices.Equal(got, c.want) {
			t.Errorf("%T has JSON fields %q; the JSON writer writes %q", c.v, got, c.want)
		}
	}
}

// jsonNames lists a struct type's JSON member names, embedded fields promoted.
func jsonNames(t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "":
			out = append(out, jsonNames(f.Type)...)
		case f.IsExported() || f.Anonymous:
			if name == "" {
				name = f.Name
			}
			out = append(out, name)
		}
	}
	return out
}

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit, written, failed int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.written+len(p) > w.limit {
		w.failed++
		return 0, errDiskFull
	}
	w.written += len(p)
	return len(p), nil
}

var errDiskFull = errors.New("disk full")

// TestJSONWriteErrorStops checks that a write error in the middle of the
// lists written in batches is returned, and that nothing more is written
// after it.
func TestJSONWriteErrorStops(t *testing.T) {
	r := analysis.Analyze(reporttest.Model(300), analysis.Options{Now: asOf})
	if len(r.Findings) <= 2*itemBatch || len(r.Stride) <= 2*itemBatch {
		t.Fatalf("%d findings and %d STRIDE cells: too few to write in several batches", len(r.Findings), len(r.Stride))
	}
	var full bytes.Buffer
	if err := JSON(&full, r); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, 100, full.Len() / 3, full.Len() - 10} {
		w := &failingWriter{limit: limit}
		err := JSON(w, r)
		if !errors.Is(err, errDiskFull) {
			t.Errorf("limit %d: error %v, want %v", limit, err, errDiskFull)
		}
		if w.failed != 1 {
			t.Errorf("limit %d: %d failed writes, want 1: writing goes on after an error", limit, w.failed)
		}
	}
}
