// Package html writes an analysis as one self-contained HTML report: an
// executive summary, a likelihood × impact heatmap, the data-flow diagram,
// a sortable and filterable threat register, each threat explained with its
// references, controls and treatment, attack paths, the data asset inventory
// and a model summary. The file carries its own CSS and script, fetches
// nothing and prints cleanly.
package html

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

//go:embed templates/*
var files embed.FS

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"sevclass": func(s model.Severity) string {
		if s.Rank() == 0 {
			return "sev-none"
		}
		return "sev-" + string(s)
	},
	"join": strings.Join,
	"anchor": func(id string) string {
		return "t-" + anchorRe.ReplaceAllString(id, "_")
	},
	"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
	"inc": func(i int) int { return i + 1 },
}).ParseFS(files, "templates/report.html.tmpl"))

var anchorRe = regexp.MustCompile(`[^A-Za-z0-9_.:-]`)

// summaryBreaches is how many breaches the executive summary lists.
const summaryBreaches = 10

// Options tune the report.
type Options struct {
	// Renderer draws the diagram; nil starts a Graphviz for this report.
	Renderer *diagram.Renderer
	// NoDiagram leaves the diagram out.
	NoDiagram bool
}

// Write renders the report for an analysis result.
func Write(ctx context.Context, w io.Writer, r *analysis.Result, opts Options) error {
	v, err := build(ctx, r, opts)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("html report: write: %w", err)
	}
	return nil
}

// view is what the template shows.
type view struct {
	Title    string
	Result   *analysis.Result
	CSS      template.CSS
	JS       template.JS
	Diagram  template.HTML
	Severity []sevRow
	Statuses []statusRow
	Coverage []coverageRow
	Breaches []analysis.Finding
	// MoreBreaches counts breaches beyond the ones listed in the summary.
	MoreBreaches int
	Heatmap      []heatRow
	Impacts      []string
	Threats      []threatView
	Paths        []pathView
	Data         []dataView
	Comps        []compView
	Bounds       []boundView
	Levels       []string
	States       []string
}

type sevRow struct {
	Severity  model.Severity
	All, Open int
}

type statusRow struct {
	Status string
	Count  int
}

// coverageRow counts the STRIDE-per-element cells of one category.
type coverageRow struct {
	Category                  string
	Open, Mitigated, NoThreat int
}

type heatRow struct {
	Likelihood int
	Name       string
	Cells      []heatCell
}

type heatCell struct {
	Impact   int
	Severity model.Severity
	Count    int
}

// threatView is one finding flattened for the template: plain strings
// render much faster than field chains through embedded structs.
type threatView struct {
	ID, Title, Anchor, Description     string
	Targets, Stride, Data, Limit       string
	InhSev, InhLI, InhSort, Inherent   string
	ResSev, ResLI, ResSort, Residual   string
	Status, Owner, Due, Justification  string
	Statement, Why, Mitigation, Search string
	Breach, Expired, Overdue           bool
	Factors                            []string
	Recommended                        []controlView
	Refs                               []refView
}

type refView struct {
	URL, Label, Name string
}

type controlView struct {
	ID, Name, State string
}

type pathView struct {
	analysis.AttackPath
	Steps   []string
	DataNam string
}

type dataView struct {
	model.DataAsset
	HeldBy []string
}

type compView struct {
	*model.Component
	Kind     string
	Boundary string
	Severity model.Severity
	Threats  int
}

type boundView struct {
	*model.TrustBoundary
	Parent  string
	Members int
}

func build(ctx context.Context, r *analysis.Result, opts Options) (*view, error) {
	m := r.Model
	if m == nil {
		return nil, fmt.Errorf("html report: the result carries no model")
	}
	css, err := files.ReadFile("templates/report.css")
	if err != nil {
		return nil, fmt.Errorf("html report: %w", err)
	}
	js, err := files.ReadFile("templates/report.js")
	if err != nil {
		return nil, fmt.Errorf("html report: %w", err)
	}
	title := r.System.Name
	if title == "" {
		title = r.System.ID
	}
	v := &view{Title: title, Result: r, CSS: template.CSS(css), JS: template.JS(js),
		Levels: []string{"critical", "high", "medium", "low"}, States: model.TreatmentStatus("").Values()}

	s := r.Summary
	for _, sev := range v.Levels {
		v.Severity = append(v.Severity, sevRow{Severity: model.Severity(sev), All: s.BySeverity[model.Severity(sev)], Open: s.OpenBySeverity[model.Severity(sev)]})
	}
	for _, st := range v.States {
		v.Statuses = append(v.Statuses, statusRow{Status: st, Count: s.ByStatus[st]})
	}
	for _, c := range model.STRIDE("").Values() {
		if cov, ok := s.Coverage[model.STRIDE(c)]; ok {
			v.Coverage = append(v.Coverage, coverageRow{Category: c, Open: cov["open"], Mitigated: cov["mitigated"], NoThreat: cov["no-threat"]})
		}
	}
	v.Breaches = r.Breaches()
	if len(v.Breaches) > summaryBreaches {
		v.MoreBreaches = len(v.Breaches) - summaryBreaches
		v.Breaches = v.Breaches[:summaryBreaches]
	}
	for _, n := range r.Matrix.ImpactNames {
		v.Impacts = append(v.Impacts, n)
	}
	for l := 5; l >= 1; l-- {
		row := heatRow{Likelihood: l, Name: r.Matrix.LikelihoodNames[l-1]}
		for i := 1; i <= 5; i++ {
			row.Cells = append(row.Cells, heatCell{Impact: i, Severity: r.Matrix.Bands[l-1][i-1], Count: s.Heatmap[l-1][i-1]})
		}
		v.Heatmap = append(v.Heatmap, row)
	}

	fs := append([]analysis.Finding(nil), r.Findings...)
	analysis.SortByRisk(fs)
	perElement := map[string]int{}
	for _, f := range fs {
		v.Threats = append(v.Threats, explain(f))
		for _, t := range f.Targets {
			perElement[t]++
		}
	}

	ix := m.Index()
	name := func(id string) string {
		if c := ix.Components[id]; c != nil && c.Name != "" {
			return c.Name
		}
		return id
	}
	for _, p := range r.Paths {
		pv := pathView{AttackPath: p, DataNam: p.Data}
		if d := ix.Data[p.Data]; d != nil && d.Name != "" {
			pv.DataNam = d.Name
		}
		for _, c := range p.Components {
			pv.Steps = append(pv.Steps, name(c))
		}
		v.Paths = append(v.Paths, pv)
	}
	holders := map[string][]string{}
	for i := range m.Components {
		c := &m.Components[i]
		seen := map[string]bool{}
		for _, list := range [][]string{c.Stores, c.Processes} {
			for _, d := range list {
				if !seen[d] {
					seen[d] = true
					holders[d] = append(holders[d], name(c.ID))
				}
			}
		}
	}
	for _, d := range m.Data {
		v.Data = append(v.Data, dataView{DataAsset: d, HeldBy: holders[d.ID]})
	}
	sevs := elementSeverity(r)
	for i := range m.Components {
		c := &m.Components[i]
		v.Comps = append(v.Comps, compView{Component: c, Kind: c.Type.Kind(), Boundary: ix.Parent[c.ID],
			Severity: sevs[c.ID], Threats: perElement[c.ID]})
	}
	members := map[string]int{}
	for _, p := range ix.Parent {
		members[p]++
	}
	for i := range m.TrustBoundaries {
		b := &m.TrustBoundaries[i]
		v.Bounds = append(v.Bounds, boundView{TrustBoundary: b, Parent: ix.Parent[b.ID], Members: members[b.ID]})
	}

	if !opts.NoDiagram {
		svg, err := drawSVG(ctx, r, opts.Renderer, sevs)
		if err != nil {
			return nil, err
		}
		v.Diagram = template.HTML(svg)
	}
	return v, nil
}

// elementSeverity is the highest residual severity of the open threats on each element.
func elementSeverity(r *analysis.Result) map[string]model.Severity {
	var targets [][]string
	var sev []model.Severity
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Treatment.Open() {
			targets = append(targets, f.Targets)
			sev = append(sev, f.Residual.Severity)
		}
	}
	return diagram.SeverityByElement(targets, sev)
}

// explain gathers what the report says about one finding.
func explain(f analysis.Finding) threatView {
	stride := make([]string, len(f.STRIDE))
	for i, c := range f.STRIDE {
		stride[i] = string(c)
	}
	tr := f.Treatment
	tv := threatView{
		ID: f.ID, Title: f.Title, Anchor: "t-" + anchorRe.ReplaceAllString(f.ID, "_"), Description: f.Description,
		Targets: strings.Join(f.Targets, ", "), Stride: strings.Join(stride, ", "), Data: strings.Join(f.Data, ", "),
		Limit:  string(f.Limit),
		InhSev: sevName(f.Inherent.Severity), InhLI: fmt.Sprintf("%d×%d", f.Inherent.Likelihood, f.Inherent.Impact),
		InhSort:  fmt.Sprintf("%d%02d", f.Inherent.Severity.Rank(), f.Inherent.Score),
		Inherent: fmt.Sprintf("%s (likelihood %d × impact %d = %d)", f.Inherent.Severity, f.Inherent.Likelihood, f.Inherent.Impact, f.Inherent.Score),
		ResSev:   sevName(f.Residual.Severity), ResLI: fmt.Sprintf("%d×%d", f.Residual.Likelihood, f.Residual.Impact),
		ResSort:  fmt.Sprintf("%d%02d", f.Residual.Severity.Rank(), f.Residual.Score),
		Residual: fmt.Sprintf("%s (likelihood %d × impact %d = %d)", f.Residual.Severity, f.Residual.Likelihood, f.Residual.Impact, f.Residual.Score),
		Status:   string(tr.Status), Owner: orDash(tr.Owner), Due: orDash(tr.Due), Justification: tr.Justification,
		Breach: f.Breach, Expired: tr.Expired, Overdue: tr.Overdue, Factors: f.Factors,
	}
	if rule, ok := builtin.Lookup(f.Rule); ok {
		tv.Why = rule.Why
		tv.Mitigation = rule.Mitigation
	}
	inPlace, planned := map[string]bool{}, map[string]bool{}
	for _, c := range f.InPlace {
		inPlace[c] = true
	}
	for _, c := range f.Planned {
		planned[c] = true
	}
	seen := map[string]bool{}
	for _, list := range [][]string{f.InPlace, f.Planned, f.Mitigations} {
		for _, id := range list {
			if seen[id] {
				continue
			}
			seen[id] = true
			cv := controlView{ID: id, Name: id, State: "recommended"}
			if c, ok := catalog.LookupControl(id); ok {
				cv.Name = c.Name
			}
			switch {
			case inPlace[id]:
				cv.State = "implemented"
			case planned[id]:
				cv.State = "planned"
			}
			tv.Recommended = append(tv.Recommended, cv)
		}
	}
	for _, r := range f.CWE {
		tv.Refs = append(tv.Refs, refView{URL: r.URL, Label: r.ID, Name: r.Name})
	}
	for _, r := range f.CAPEC {
		tv.Refs = append(tv.Refs, refView{URL: r.URL, Label: r.ID, Name: r.Name})
	}
	for _, r := range f.ATTACK {
		tv.Refs = append(tv.Refs, refView{URL: r.URL, Label: "ATT&CK " + r.ID, Name: r.Name})
	}
	tv.Statement = statement(f)
	tv.Search = strings.ToLower(strings.Join([]string{f.ID, f.Title, tv.Targets, tv.Stride,
		string(f.Residual.Severity), string(tr.Status), tr.Owner}, " "))
	return tv
}

func sevName(s model.Severity) string {
	if s.Rank() == 0 {
		return "none"
	}
	return string(s)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// statement summarises the treatment in one sentence.
func statement(f analysis.Finding) string {
	t := f.Treatment
	var b strings.Builder
	switch t.Status {
	case "accepted":
		b.WriteString("Accepted")
		if t.AcceptedBy != "" {
			b.WriteString(" by " + t.AcceptedBy)
		}
		if t.Expires != "" {
			b.WriteString(" until " + t.Expires)
		}
		if t.Expired {
			b.WriteString(" (expired: counts as open again)")
		}
	case "transferred":
		b.WriteString("Transferred")
		if t.TransferredTo != "" {
			b.WriteString(" to " + t.TransferredTo)
		}
	case "mitigated":
		b.WriteString("Mitigated")
		if t.Source == "controls" {
			b.WriteString(" by implemented controls")
		}
	case "open":
		if t.Source == "default" {
			b.WriteString("No treatment recorded in the register")
		} else {
			b.WriteString("Recorded as open")
		}
	default:
		b.WriteString(strings.ToUpper(string(t.Status[:1])) + string(t.Status[1:]))
	}
	if t.Owner != "" {
		b.WriteString("; owner " + t.Owner)
	}
	if t.Due != "" {
		b.WriteString("; due " + t.Due)
		if t.Overdue {
			b.WriteString(" (overdue)")
		}
	}
	if t.Ticket != "" {
		b.WriteString("; ticket " + t.Ticket)
	}
	return b.String() + "."
}

var prologRe = regexp.MustCompile(`(?s)\A.*?(<svg\b)`)

func drawSVG(ctx context.Context, r *analysis.Result, rd *diagram.Renderer, sevs map[string]model.Severity) (string, error) {
	opts := diagram.Options{Severity: sevs}
	var buf bytes.Buffer
	var err error
	if rd != nil {
		err = rd.Render(ctx, r.Model, opts, diagram.FormatSVG, &buf)
	} else {
		err = diagram.Render(ctx, r.Model, opts, diagram.FormatSVG, &buf)
	}
	if err != nil {
		return "", fmt.Errorf("html report: diagram: %w", err)
	}
	return InlineSVG(buf.String()), nil
}

// InlineSVG prepares Graphviz SVG for embedding in HTML: it drops the XML
// prolog and doctype, and lets the picture scale to its container.
func InlineSVG(svg string) string {
	svg = prologRe.ReplaceAllString(svg, "$1")
	// Keep the drawing's natural size as a maximum, so small diagrams are
	// not blown up while large ones shrink to the page.
	if i := strings.Index(svg, "<svg"); i >= 0 {
		end := strings.Index(svg[i:], ">")
		if end > 0 {
			head := svg[i : i+end]
			w := attr(head, "width")
			newHead := head
			newHead = strings.Replace(newHead, ` width="`+w+`"`, ` width="100%" style="max-width:`+w+`" role="img" aria-labelledby="dfd-caption"`, 1)
			newHead = strings.Replace(newHead, ` height="`+attr(head, "height")+`"`, "", 1)
			svg = svg[:i] + newHead + svg[i+end:]
		}
	}
	return strings.TrimSpace(svg)
}

func attr(tag, name string) string {
	k := " " + name + `="`
	i := strings.Index(tag, k)
	if i < 0 {
		return ""
	}
	rest := tag[i+len(k):]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return rest[:j]
}
