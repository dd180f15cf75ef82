// Package html writes an analysis as one self-contained HTML report: an
// executive summary, a likelihood × impact heatmap, the data-flow diagram,
// a sortable and filterable threat register, each threat explained with its
// references, controls and treatment, attack paths, the crown jewels'
// attack trees, optionally the detection coverage of a Sigma rule set, the
// data asset inventory and a model summary. The file carries its own CSS
// and script, fetches nothing and prints cleanly.
package html

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/attacktree"
	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/bycategory"
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
	// Summary writes the executive summary only: the figures, the heatmap,
	// the highest threats above the appetite, one line per rule and the
	// overview diagram, without the register, the threat details and the
	// inventories.
	Summary bool
	// Detection, when set, adds the detection-coverage section: which
	// modelled threats these Sigma rules would detect, and which none would.
	Detection *Detection
	// DiagramBudget caps how many components the boundary diagrams of a
	// large model draw, riskiest boundary first (see diagram.Pages); 0 means
	// DefaultDiagramBudget, a negative value draws them all. Laying out
	// costs about a millisecond per element, so this bounds the report's
	// time and size; the report names the boundaries left out.
	DiagramBudget int
}

// DefaultDiagramBudget is the number of components the boundary diagrams of
// a large model draw by default.
const DefaultDiagramBudget = 1000

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
	Title   string
	Result  *analysis.Result
	CSS     template.CSS
	JS      template.JS
	Diagram template.HTML
	// MoreDiagrams are the top-level boundaries of a model too large for
	// one picture; Diagram is then its overview.
	MoreDiagrams []diagramView
	// LeftOut names the boundary diagrams over the diagram budget.
	LeftOut  []string
	Severity []sevRow
	Statuses []statusRow
	Coverage []coverageRow
	Breaches []analysis.Finding
	// MoreBreaches counts breaches beyond the ones listed in the summary.
	MoreBreaches int
	Heatmap      []heatRow
	// Methods are the threats by methodology (STRIDE, LINDDUN) and category.
	Methods []methodView
	Impacts []string
	Threats []threatView
	// RegisterRows are the register's rows (registerRows).
	RegisterRows template.HTML
	Rules        []ruleView
	Paths        []pathView
	// MorePaths counts the less likely attack paths left out (reportPaths).
	MorePaths int
	// Trees are the crown jewels' attack trees, most likely first; TreesLeft
	// names those left out (attacktree.ReportTrees).
	Trees     []treeView
	TreesLeft []string
	Data      []dataView
	Comps     []compView
	Bounds    []boundView
	Levels    []string
	States    []string
	// Detection is the detection-coverage section (Options.Detection).
	Detection *detectionView
	// Summary is the executive summary mode (Options.Summary).
	Summary bool
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

// methodView is one methodology's threats (bycategory.Section): the
// categories with their appetite, the element × category matrix and the
// heatmap of its open threats.
type methodView struct {
	bycategory.Section
	Matrix []bycategory.Row
	// MoreRows counts the elements left out of Matrix.
	MoreRows int
	Heatmap  []heatRow
}

type heatRow struct {
	Likelihood int
	Name       string
	Cells      []heatCell
}

type heatCell struct {
	// Key names the cell as the register rows do ("likelihood-impact").
	Key      string
	Impact   int
	Severity model.Severity
	Count    int
}

// threatView is one finding flattened for the template: plain strings
// render much faster than field chains through embedded structs.
type threatView struct {
	ID, Title, Anchor, Description    string
	Targets, Stride, Data, Limit      string
	InhSev, InhLI, InhSort            string
	ResSev, ResLI, ResSort            string
	Status, Owner, Due, Justification string
	Statement, InPlace, Planned       string
	// Cell is the heatmap cell ("likelihood-impact") of an open threat.
	Cell                     string
	Breach, Expired, Overdue bool
	Factors                  []string
}

// ruleView is one rule with every threat it found: the rule's explanation
// once, its threats under it.
type ruleView struct {
	ID, Title, Anchor, Stride string
	Why, Mitigation           string
	MaxSev                    string
	Breaches                  int
	Controls                  []controlView
	Refs                      []refView
	// Count is the number of threats the rule found.
	Count int
	// Groups hold the rule's threats, those assessed and treated alike
	// together, so that what they share is written once.
	Groups []groupView
}

// groupView is the threats of one rule that share their residual rating,
// scoring factors, data, treatment and controls, in risk order.
type groupView struct {
	ResSev, ResLI, Status, Statement, Justification string
	Data, InPlace, Planned, Factors                 string
	Breach                                          bool
	Items                                           []*threatView
	// ItemsHTML lists the items (itemsHTML).
	ItemsHTML template.HTML
}

// key is what the threats of a group share.
func (g *groupView) key() string {
	return strings.Join([]string{g.ResSev, g.ResLI, g.Status, g.Statement, g.Justification, g.Data, g.InPlace, g.Planned, g.Factors, fmt.Sprint(g.Breach)}, "\x00")
}

type refView struct {
	URL, Label, Name string
}

type controlView struct {
	ID, Name string
}

// reportPaths and summaryPaths are how many attack paths, most likely
// first, the full report and the executive summary list; a large model has
// one path per entry point and route, too many to read, and the JSON output
// keeps them all.
const (
	reportPaths  = 50
	summaryPaths = 20
)

type pathView struct {
	analysis.AttackPath
	Steps   []string
	DataNam string
}

// treeView is one attack tree: an OR of ways in, each an AND of steps,
// each an OR of leaves.
type treeView struct {
	Anchor, Label, P string
	Ways             []treeNodeView
	// Omitted counts the less likely ways left out.
	Omitted int
}

// treeNodeView is a way (with Steps), a step (with Leaves) or a leaf.
type treeNodeView struct {
	Label, P       string
	Threat, Anchor string
	Steps, Leaves  []treeNodeView
	// More counts the less likely threats of a step left out.
	More int
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
	v := &view{Title: title, Result: r, CSS: template.CSS(css), JS: template.JS(js), Summary: opts.Summary,
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
			row.Cells = append(row.Cells, heatCell{Key: fmt.Sprintf("%d-%d", l, i), Impact: i, Severity: r.Matrix.Bands[l-1][i-1], Count: s.Heatmap[l-1][i-1]})
		}
		v.Heatmap = append(v.Heatmap, row)
	}
	for _, sec := range bycategory.Sections(r) {
		mv := methodView{Section: sec}
		mv.Matrix, mv.MoreRows = sec.TopRows(bycategory.MatrixLimit)
		for l := 5; l >= 1; l-- {
			row := heatRow{Likelihood: l, Name: r.Matrix.LikelihoodNames[l-1]}
			for i := 1; i <= 5; i++ {
				row.Cells = append(row.Cells, heatCell{Key: fmt.Sprintf("%d-%d", l, i), Impact: i, Severity: r.Matrix.Bands[l-1][i-1], Count: sec.Heatmap[l-1][i-1]})
			}
			mv.Heatmap = append(mv.Heatmap, row)
		}
		v.Methods = append(v.Methods, mv)
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
	v.Rules = byRule(fs, v.Threats)
	if !opts.Summary {
		v.RegisterRows = registerRows(v.Threats)
		for i := range v.Rules {
			for j := range v.Rules[i].Groups {
				g := &v.Rules[i].Groups[j]
				g.ItemsHTML = itemsHTML(g.Items)
			}
		}
	}

	ix := m.Index()
	name := func(id string) string {
		if c := ix.Components[id]; c != nil && c.Name != "" {
			return c.Name
		}
		return id
	}
	limit := reportPaths
	if opts.Summary {
		limit = summaryPaths
	}
	paths := r.Paths[:min(limit, len(r.Paths))]
	v.MorePaths = len(r.Paths) - len(paths)
	for _, p := range paths {
		pv := pathView{AttackPath: p, DataNam: p.Data}
		if d := ix.Data[p.Data]; d != nil && d.Name != "" {
			pv.DataNam = d.Name
		}
		for _, c := range p.Components {
			pv.Steps = append(pv.Steps, name(c))
		}
		v.Paths = append(v.Paths, pv)
	}
	if opts.Detection != nil {
		v.Detection = detection(r, opts.Detection, !opts.Summary)
	}
	shown, left, err := attacktree.ForReport(r)
	if err != nil {
		return nil, fmt.Errorf("html report: attack trees: %w", err)
	}
	v.Trees = treeViews(shown, !opts.Summary)
	for _, t := range left {
		v.TreesLeft = append(v.TreesLeft, cmp.Or(t.Name, t.Asset))
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
		svg, more, left, err := drawDiagrams(ctx, r, opts, sevs)
		if err != nil {
			return nil, err
		}
		v.Diagram = template.HTML(svg)
		v.MoreDiagrams, v.LeftOut = more, left
	}
	return v, nil
}

// treeViews flattens attack trees for the template, each step's threats cut
// to attacktree.ReportLeaves; links lead to the threats' details when the
// report has them.
func treeViews(trees []attacktree.Tree, links bool) []treeView {
	node := func(n *attacktree.Node) treeNodeView {
		tv := treeNodeView{Label: n.Label, P: attacktree.Percent(n.Likelihood), Threat: n.Threat}
		if links && n.Threat != "" {
			tv.Anchor = "t-" + anchorRe.ReplaceAllString(n.Threat, "_")
		}
		return tv
	}
	var out []treeView
	for _, t := range trees {
		v := treeView{Anchor: "at-" + anchorRe.ReplaceAllString(t.Asset, "_"), Label: t.Root.Label,
			P: attacktree.Percent(t.Root.Likelihood), Omitted: t.Root.Omitted}
		for _, w := range t.Root.Children {
			wv := node(w)
			for _, s := range w.Children {
				sv := node(s)
				for i, l := range s.Children {
					if i == attacktree.ReportLeaves {
						sv.More = len(s.Children) - i
						break
					}
					sv.Leaves = append(sv.Leaves, node(l))
				}
				wv.Steps = append(wv.Steps, sv)
			}
			v.Ways = append(v.Ways, wv)
		}
		out = append(out, v)
	}
	return out
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
	stride := make([]string, 0, len(f.STRIDE)+len(f.LINDDUN))
	for _, c := range f.STRIDE {
		stride = append(stride, string(c))
	}
	for _, c := range f.LINDDUN {
		stride = append(stride, "LINDDUN "+string(c))
	}
	tr := f.Treatment
	tv := threatView{
		ID: f.ID, Title: f.Title, Anchor: "t-" + anchorRe.ReplaceAllString(f.ID, "_"), Description: f.Description,
		Targets: strings.Join(f.Targets, ", "), Stride: strings.Join(stride, ", "), Data: strings.Join(f.Data, ", "),
		Limit:  string(f.Limit),
		InhSev: sevName(f.Inherent.Severity), InhLI: fmt.Sprintf("%d×%d", f.Inherent.Likelihood, f.Inherent.Impact),
		InhSort: fmt.Sprintf("%d%02d", f.Inherent.Severity.Rank(), f.Inherent.Score),
		ResSev:  sevName(f.Residual.Severity), ResLI: fmt.Sprintf("%d×%d", f.Residual.Likelihood, f.Residual.Impact),
		ResSort: fmt.Sprintf("%d%02d", f.Residual.Severity.Rank(), f.Residual.Score),
		Status:  string(tr.Status), Owner: orDash(tr.Owner), Due: orDash(tr.Due), Justification: tr.Justification,
		Breach: f.Breach, Expired: tr.Expired, Overdue: tr.Overdue, Factors: f.Factors,
	}
	if tr.Open() {
		tv.Cell = fmt.Sprintf("%d-%d", f.Residual.Likelihood, f.Residual.Impact)
	}
	tv.InPlace = controlNames(f.InPlace)
	tv.Planned = controlNames(f.Planned)
	if tr.Status != "open" || tr.Source != "default" {
		// "No treatment recorded" is what an open status says already.
		tv.Statement = statement(f)
	}
	return tv
}

// registerRows writes the threat register's rows, one per threat: a large
// model has tens of thousands, and the template's escaping costs a
// reflective call per value, so they are written here. Texts are escaped
// with html.EscapeString; anchors and heatmap cells hold only safe
// characters. Optional end tags are left out.
func registerRows(ts []threatView) template.HTML {
	var b strings.Builder
	b.Grow(300 * len(ts))
	esc := html.EscapeString
	for i := range ts {
		t := &ts[i]
		b.WriteString("<tr")
		if t.Cell != "" {
			b.WriteString(` data-cell="` + t.Cell + `"`)
		}
		if t.Breach {
			b.WriteString(` class="breach"`)
		}
		b.WriteString(`><td><a href="#` + t.Anchor + `">` + esc(t.ID) + "</a><td>" + esc(t.Title))
		if t.Breach {
			b.WriteString(` <b class="flag">above appetite</b>`)
		}
		b.WriteString("<td>" + esc(t.Targets))
		b.WriteString(`<td><b class="sev-` + t.InhSev + `">` + t.InhSev + "</b> " + t.InhLI)
		b.WriteString(`<td><b class="sev-` + t.ResSev + `">` + t.ResSev + "</b> " + t.ResLI)
		b.WriteString(`<td><i class="st-` + esc(t.Status) + `">` + esc(t.Status) + "</i>")
		if t.Expired {
			b.WriteString(` <b class="flag">expired</b>`)
		}
		b.WriteString("<td>" + esc(t.Owner) + "<td>" + esc(t.Due))
		if t.Overdue {
			b.WriteString(` <b class="flag">overdue</b>`)
		}
		b.WriteByte('\n')
	}
	return template.HTML(strings.TrimSuffix(b.String(), "\n"))
}

// itemsHTML writes the list items of one group of a rule's threats: the
// threat's id (the anchor the register links to) and description.
func itemsHTML(items []*threatView) template.HTML {
	var b strings.Builder
	for i, t := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(`<li id="` + t.Anchor + `"><code>` + html.EscapeString(t.ID) + "</code> " + html.EscapeString(t.Description))
	}
	return template.HTML(b.String())
}

// controlName is a catalog control's name, or its id.
func controlName(id string) string {
	if c, ok := catalog.LookupControl(id); ok {
		return c.Name
	}
	return id
}

func controlNames(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = controlName(id)
	}
	return strings.Join(names, ", ")
}

// byRule groups the findings (sorted by risk) by the rule that found them,
// in the order of each rule's riskiest threat; tvs are the findings' views.
// A hand-written threat is a group of its own.
func byRule(fs []analysis.Finding, tvs []threatView) []ruleView {
	var out []ruleView
	at := map[string]int{}
	groups := map[string]int{}
	for i := range fs {
		f := &fs[i]
		key := f.Rule
		if key == "" {
			key = f.ID
		}
		k, ok := at[key]
		if !ok {
			k = len(out)
			at[key] = k
			rv := ruleView{ID: key, Title: f.Title, Anchor: "r-" + anchorRe.ReplaceAllString(key, "_"),
				Stride: tvs[i].Stride, MaxSev: tvs[i].ResSev}
			if rule, ok := builtin.Lookup(f.Rule); ok {
				rv.Title = cmp.Or(rule.Title, f.Title)
				rv.Why, rv.Mitigation = rule.Why, rule.Mitigation
			}
			for _, r := range f.CWE {
				rv.Refs = append(rv.Refs, refView{URL: r.URL, Label: r.ID, Name: r.Name})
			}
			for _, r := range f.CAPEC {
				rv.Refs = append(rv.Refs, refView{URL: r.URL, Label: r.ID, Name: r.Name})
			}
			for _, r := range f.ATTACK {
				rv.Refs = append(rv.Refs, refView{URL: r.URL, Label: "ATT&CK " + r.ID, Name: r.Name})
			}
			out = append(out, rv)
		}
		rv := &out[k]
		for _, id := range f.Mitigations {
			if !slices.ContainsFunc(rv.Controls, func(c controlView) bool { return c.ID == id }) {
				rv.Controls = append(rv.Controls, controlView{ID: id, Name: controlName(id)})
			}
		}
		if f.Breach {
			rv.Breaches++
		}
		rv.Count++
		tv := &tvs[i]
		g := groupView{ResSev: tv.ResSev, ResLI: tv.ResLI, Status: tv.Status, Statement: tv.Statement,
			Justification: tv.Justification, Data: tv.Data, InPlace: tv.InPlace, Planned: tv.Planned,
			Factors: strings.Join(tv.Factors, "; "), Breach: tv.Breach}
		gk := key + "\x00" + g.key()
		j, ok := groups[gk]
		if !ok {
			j = len(rv.Groups)
			groups[gk] = j
			rv.Groups = append(rv.Groups, g)
		}
		rv.Groups[j].Items = append(rv.Groups[j].Items, tv)
	}
	return out
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

var (
	prologRe     = regexp.MustCompile(`(?s)\A.*?(<svg\b)`)
	svgCommentRe = regexp.MustCompile(`(?s)<!--.*?-->\n?`)
	svgTitleRe   = regexp.MustCompile(`<title>[^<]*</title>\n?`)
	// svgGeometryRe matches the attributes that hold coordinates.
	svgGeometryRe = regexp.MustCompile(`\s(?:points|d|x|y|viewBox|transform)="[^"]*"`)
	svgDecimalsRe = regexp.MustCompile(`(\d\.\d)\d+`)
	svgZeroRe     = regexp.MustCompile(`\.0\b`)
)

// diagramView is one more picture of a large model: a top-level trust
// boundary.
type diagramView struct {
	ID, Title string
	SVG       template.HTML
}

// drawDiagrams draws the model's pictures (see diagram.Pages): the first is
// the whole model or, for a large one, the overview; the others are its
// top-level boundaries.
func drawDiagrams(ctx context.Context, r *analysis.Result, opts Options, sevs map[string]model.Severity) (string, []diagramView, []string, error) {
	rd := opts.Renderer
	if rd == nil {
		var err error
		if rd, err = diagram.NewRenderer(ctx); err != nil {
			return "", nil, nil, fmt.Errorf("html report: diagram: %w", err)
		}
		defer rd.Close()
	}
	pages := diagram.Pages(r.Model, diagram.Options{Severity: sevs})
	if opts.Summary {
		pages = pages[:1]
	}
	budget := opts.DiagramBudget
	if budget == 0 {
		budget = DefaultDiagramBudget
	}
	// The riskiest boundaries get their diagrams first; the report keeps
	// the pages in the model's order.
	keep := map[int]bool{0: true}
	if len(pages) > 1 {
		order := make([]int, 0, len(pages)-1)
		for i := 1; i < len(pages); i++ {
			order = append(order, i)
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pages[b].Risk, pages[a].Risk) })
		drawn := 0
		for _, i := range order {
			if budget < 0 || drawn+pages[i].Components <= budget {
				keep[i] = true
				drawn += pages[i].Components
			}
		}
	}
	var main string
	var more []diagramView
	var left []string
	for i, p := range pages {
		if !keep[i] {
			left = append(left, p.Title)
			continue
		}
		if err := ctx.Err(); err != nil {
			return "", nil, nil, err
		}
		var buf bytes.Buffer
		if err := rd.RenderPage(ctx, p, diagram.FormatSVG, &buf); err != nil {
			return "", nil, nil, fmt.Errorf("html report: diagram %s: %w", p.Title, err)
		}
		if i == 0 {
			main = InlineSVG(buf.String(), "dfd-caption")
			continue
		}
		id := "dfd-" + anchorRe.ReplaceAllString(p.ID, "_")
		more = append(more, diagramView{ID: id, Title: p.Title, SVG: template.HTML(InlineSVG(buf.String(), id+"-caption"))})
	}
	return main, more, left, nil
}

// InlineSVG prepares Graphviz SVG for embedding in HTML: it drops the XML
// prolog and doctype, lets the picture scale to its container and names
// the element with id caption as its label.
func InlineSVG(svg, caption string) string {
	svg = prologRe.ReplaceAllString(svg, "$1")
	// Graphviz repeats the font on every text and writes a comment and a
	// title (the DOT id) for every element; the stylesheet sets the font
	// and the tooltips carry the names, so a large diagram loses a fifth.
	svg = svgCommentRe.ReplaceAllString(svg, "")
	svg = svgTitleRe.ReplaceAllString(svg, "")
	svg = strings.ReplaceAll(svg, ` font-family="Helvetica,sans-Serif"`, "")
	// Hyphens need no escaping, and a tenth of a point is finer than
	// any screen or printer shows.
	svg = strings.ReplaceAll(svg, "&#45;", "-")
	svg = svgGeometryRe.ReplaceAllStringFunc(svg, func(a string) string {
		return svgZeroRe.ReplaceAllString(svgDecimalsRe.ReplaceAllString(a, "$1"), "")
	})
	// Keep the drawing's natural size as a maximum, so small diagrams are
	// not blown up while large ones shrink to the page.
	if i := strings.Index(svg, "<svg"); i >= 0 {
		end := strings.Index(svg[i:], ">")
		if end > 0 {
			head := svg[i : i+end]
			w := attr(head, "width")
			newHead := head
			newHead = strings.Replace(newHead, ` width="`+w+`"`, ` width="100%" style="max-width:`+w+`" role="img" aria-labelledby="`+caption+`"`, 1)
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
