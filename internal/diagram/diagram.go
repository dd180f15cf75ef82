// Package diagram draws a model as a data-flow diagram: processes, data
// stores and external entities in their trust boundaries, joined by labelled
// flows. It writes Graphviz DOT (deterministic, for review and tests) and
// renders it to SVG or PNG with an embedded Graphviz, so no system install is
// needed. Elements are tinted by their highest residual severity and one
// attack path can be highlighted.
package diagram

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/internal/model"
)

// Options tune a diagram. The zero value draws the plain model with a legend.
type Options struct {
	// Severity maps element ids (components, flows) to the highest residual
	// severity of the threats on them; elements not listed are not tinted.
	Severity map[string]model.Severity
	// Highlight lists element ids (components and flows) on a path to stand
	// out; consecutive component ids also highlight the flows between them.
	Highlight []string
	// Title replaces the default title (the system's name).
	Title string
	// NoLegend leaves the legend out.
	NoLegend bool
	// Caption describes the highlighted elements under the title (e.g.
	// "Attack path 1: ..."); empty names the highlighted components.
	Caption string
	// subtitle replaces "Data-flow diagram" under the title.
	subtitle string
}

// Colours of the diagram. Fills are light so that dark text keeps a contrast
// ratio above 7:1; borders carry the stronger hue.
const (
	colText       = "#111827"
	colMuted      = "#4b5563"
	colBorder     = "#374151"
	colEdge       = "#4b5563"
	colBoundary   = "#6b7280"
	colExternal   = "#f3f4f6"
	colHighlight  = "#1d4ed8"
	colFaded      = "#9ca3af"
	colFadedLabel = "#6b7280"
)

// Palette gives the fill and border colour for each severity.
var Palette = map[model.Severity][2]string{
	"low":      {"#dcfce7", "#15803d"},
	"medium":   {"#fef9c3", "#a16207"},
	"high":     {"#ffedd5", "#c2410c"},
	"critical": {"#fee2e2", "#b91c1c"},
}

// wrapWidth is the number of characters after which labels wrap.
const (
	nodeWrap = 22
	edgeWrap = 26
)

// DOT returns the model's data-flow diagram in the Graphviz DOT language.
// The output depends only on the model and the options.
func DOT(m *model.Model, opts Options) []byte {
	return []byte(build(m, opts, ""))
}

// build writes the DOT source of the whole model; extra is added to the
// graph attributes (the PNG renderer sets its resolution there).
func build(m *model.Model, opts Options, extra string) string {
	return buildScene(m, opts, extra, "")
}

// header opens the graph: attributes, title, subtitle and the caption of a
// highlighted path.
func header(b *strings.Builder, m *model.Model, opts Options, hl highlight, extra string) {
	title := pageTitle(m, opts)
	sub := cmp.Or(opts.subtitle, "Data-flow diagram")
	b.WriteString("digraph dfd {\n")
	b.WriteString("  graph [rankdir=LR, newrank=true, compound=true, splines=true, ")
	b.WriteString("nodesep=0.35, ranksep=0.8, pad=0.3, bgcolor=\"white\", ")
	b.WriteString(`fontname="Helvetica", fontsize=12, fontcolor="` + colText + `", labelloc=t, labeljust=l, `)
	b.WriteString("label=<<FONT POINT-SIZE=\"18\"><B>" + html(title) + "</B></FONT><BR ALIGN=\"LEFT\"/>")
	b.WriteString("<FONT POINT-SIZE=\"11\" COLOR=\"" + colMuted + "\">" + html(sub) + "</FONT><BR ALIGN=\"LEFT\"/>")
	if c := hl.caption(m, opts); c != "" {
		b.WriteString("<FONT POINT-SIZE=\"11\" COLOR=\"" + colHighlight + "\"><B>" + html(c) + "</B></FONT><BR ALIGN=\"LEFT\"/>")
	}
	b.WriteString(">")
	if extra != "" {
		b.WriteString(", " + extra)
	}
	b.WriteString("];\n")
	b.WriteString(`  node [fontname="Helvetica", fontsize=11, fontcolor="` + colText + `", color="` + colBorder +
		`", fillcolor="white", style=filled, penwidth=1.2, margin="0.14,0.07"];` + "\n")
	b.WriteString(`  edge [fontname="Helvetica", fontsize=9, fontcolor="` + colText + `", color="` + colEdge +
		`", arrowsize=0.7, penwidth=1.1];` + "\n")
}

// buildScene writes the DOT source of m with more DOT lines (the stubs of a
// boundary page) before the legend.
func buildScene(m *model.Model, opts Options, extra, more string) string {
	ix := m.Index()
	var b strings.Builder
	b.Grow(256 + 400*len(m.Components) + 200*len(m.Flows) + len(more))

	hl := newHighlight(m, opts.Highlight)
	header(&b, m, opts, hl, extra)

	// Trust boundaries as nested clusters, in declaration order.
	children := map[string][]string{} // boundary id -> nested boundary ids
	members := map[string][]string{}  // boundary id -> component ids
	// inner is the boundary directly around a component or boundary, "" for none.
	inner := func(id string) string {
		if p, ok := ix.Parent[id]; ok && ix.Boundaries[p] != nil {
			return p
		}
		return ""
	}
	var roots []string
	for i := range m.TrustBoundaries {
		tb := &m.TrustBoundaries[i]
		if p := inner(tb.ID); p != "" {
			children[p] = append(children[p], tb.ID)
		} else {
			roots = append(roots, tb.ID)
		}
	}
	var loose []string
	for i := range m.Components {
		c := &m.Components[i]
		if p := inner(c.ID); p != "" {
			members[p] = append(members[p], c.ID)
		} else {
			loose = append(loose, c.ID)
		}
	}
	// The nesting drawn: boundaries from the roots down, then those caught
	// in a containment cycle at the top level.
	drawnIn := map[string]string{} // boundary id -> the boundary drawn around it, "" for none
	seen := map[string]bool{}
	var nest func(id, parent string)
	nest = func(id, parent string) {
		if seen[id] {
			return
		}
		seen[id], drawnIn[id] = true, parent
		for _, child := range children[id] {
			nest(child, id)
		}
	}
	for _, id := range roots {
		nest(id, "")
	}
	for i := range m.TrustBoundaries {
		nest(m.TrustBoundaries[i].ID, "")
	}
	// A flow from one boundary into another has its label drawn as a node
	// of the innermost boundary holding both ends (apartLabel), unless the
	// picture has more than apartLimit of them.
	labels := map[string][]string{} // boundary id ("" for none) -> label nodes
	apart := map[string]string{}    // flow id -> its label node
	crossing := func(f *model.Flow) bool {
		return ix.Components[f.From] != nil && ix.Components[f.To] != nil && inner(f.From) != inner(f.To)
	}
	n := 0
	for i := range m.Flows {
		if crossing(&m.Flows[i]) {
			n++
		}
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		if n > apartLimit || !crossing(f) {
			continue
		}
		node := "label:" + f.ID
		apart[f.ID] = node
		_, font, _, _ := flowStyle(f, opts, hl)
		in := commonBoundary(inner(f.From), inner(f.To), drawnIn)
		labels[in] = append(labels[in], apartLabel(node, "fl-"+f.ID, flowLabel(ix, f), font, flowTip(f, opts)))
	}

	emitted := map[string]bool{}
	var cluster func(id, indent string)
	cluster = func(id, indent string) {
		if emitted[id] {
			return
		}
		emitted[id] = true
		tb := ix.Boundaries[id]
		name := tb.Name
		if name == "" {
			name = tb.ID
		}
		fmt.Fprintf(&b, "%ssubgraph %s {\n", indent, quote("cluster_"+id))
		fmt.Fprintf(&b, "%s  graph [id=%s, label=<<B>%s</B> <FONT POINT-SIZE=\"9\" COLOR=\"%s\">%s</FONT>>, style=\"dashed,rounded\", color=%q, penwidth=1.3, fontsize=11, labeljust=l, margin=12];\n",
			indent, quote("tb-"+id), html(wrap(name, 40)), colMuted, html(string(tb.Type)), colBoundary)
		for _, cid := range members[id] {
			nodeLine(&b, indent+"  ", ix.Components[cid], opts, hl)
		}
		for _, l := range labels[id] {
			b.WriteString(indent + "  " + l)
		}
		for _, child := range children[id] {
			cluster(child, indent+"  ")
		}
		fmt.Fprintf(&b, "%s}\n", indent)
	}
	for _, id := range roots {
		cluster(id, "  ")
	}
	// Boundaries caught in a containment cycle are not reachable from a
	// root; draw them at the top level so no component goes missing.
	for i := range m.TrustBoundaries {
		cluster(m.TrustBoundaries[i].ID, "  ")
	}
	for _, cid := range loose {
		nodeLine(&b, "  ", ix.Components[cid], opts, hl)
	}
	for _, l := range labels[""] {
		b.WriteString("  " + l)
	}

	for i := range m.Flows {
		edge(&b, ix, &m.Flows[i], opts, hl, apart[m.Flows[i].ID])
	}
	b.WriteString(more)
	if !opts.NoLegend {
		legend(&b, hl.active(), false)
	}
	b.WriteString("}\n")
	return b.String()
}

// highlight is the set of elements on a highlighted path.
type highlight struct {
	on    map[string]bool
	pairs map[[2]string]bool
	comps []string // highlighted components, in path order
}

// newHighlight collects the highlighted elements. Flow ids highlight
// exactly those flows; without any, the flows from each listed component to
// the next one (in that direction) are the path.
func newHighlight(m *model.Model, ids []string) highlight {
	h := highlight{on: map[string]bool{}, pairs: map[[2]string]bool{}}
	ix := m.Index()
	flows := false
	for _, id := range ids {
		if ix.Flows[id] != nil {
			flows = true
		}
	}
	var prev string
	for _, id := range ids {
		h.on[id] = true
		if ix.Components[id] != nil {
			h.comps = append(h.comps, id)
			if prev != "" && !flows {
				h.pairs[[2]string{prev, id}] = true
			}
			prev = id
		}
	}
	return h
}

func (h highlight) active() bool { return len(h.on) > 0 }

func (h highlight) flow(f *model.Flow) bool {
	return h.on[f.ID] || h.pairs[[2]string{f.From, f.To}]
}

// caption is the line under the title that says what is highlighted.
func (h highlight) caption(m *model.Model, opts Options) string {
	if !h.active() {
		return ""
	}
	if opts.Caption != "" {
		return opts.Caption
	}
	ix := m.Index()
	names := make([]string, 0, len(h.comps))
	for _, id := range h.comps {
		if c := ix.Components[id]; c != nil {
			names = append(names, cmp.Or(c.Name, c.ID))
		}
	}
	if len(names) == 0 {
		return "Highlighted: the flows drawn in blue"
	}
	return "Highlighted path: " + strings.Join(names, " → ")
}

func nodeLine(b *strings.Builder, indent string, c *model.Component, opts Options, hl highlight) {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	kind := c.Type.Kind()
	shape, style := "box", "rounded,filled"
	fill, border := "white", colBorder
	switch kind {
	case model.KindDataStore:
		shape, style = "cylinder", "filled"
	case model.KindExternalEntity:
		shape, style = "box", "filled"
		fill = colExternal
	}
	sev := opts.Severity[c.ID]
	pen := "1.2"
	if p, ok := Palette[sev]; ok {
		fill, border = p[0], p[1]
		pen = "1.6"
		if sev == "critical" {
			pen = "2.2"
		}
	}
	fontcolor := colText
	if hl.active() {
		if hl.on[c.ID] {
			border, pen = colHighlight, "3.2"
		} else {
			border, fontcolor = colFaded, colFadedLabel
		}
	}
	if c.OutOfScope {
		style += ",dotted"
	}

	var lab strings.Builder
	lab.WriteString("<")
	for i, line := range strings.Split(wrap(name, nodeWrap), "\n") {
		if i > 0 {
			lab.WriteString("<BR/>")
		}
		lab.WriteString("<B>" + html(line) + "</B>")
	}
	detail := string(c.Type)
	if c.Technology != "" {
		detail += " · " + c.Technology
	}
	lab.WriteString("<BR/><FONT POINT-SIZE=\"9\">" + html(wrap(detail, 30)) + "</FONT>")
	var flags []string
	if c.InternetFacing {
		flags = append(flags, "internet-facing")
	}
	if c.OutOfScope {
		flags = append(flags, "out of scope")
	}
	if len(flags) > 0 {
		lab.WriteString("<BR/><FONT POINT-SIZE=\"8\"><I>" + html(strings.Join(flags, ", ")) + "</I></FONT>")
	}
	if sev != "" {
		lab.WriteString("<BR/><FONT POINT-SIZE=\"8\"><B>" + html(strings.ToUpper(string(sev))) + " RISK</B></FONT>")
	}
	lab.WriteString(">")
	fmt.Fprintf(b, "%s%s [id=%s, shape=%s, style=%q, fillcolor=%q, color=%q, fontcolor=%q, penwidth=%s, tooltip=%s, label=%s];\n",
		indent, quote(c.ID), quote("c-"+c.ID), shape, style, fill, border, fontcolor, pen,
		quote(tooltip(name, detail, sev)), lab.String())
}

// apartLimit is how many flows into other boundaries a picture draws with
// their labels as nodes of their own (apartLabel). Past it the labels stay
// on the arrows, where Graphviz may lay some across a frame: a picture of
// 140 components whose 240 flows nearly all cross boundaries took 9.4 s
// with its labels as nodes against 4.1 s. The boundary pages of large
// models (at most DetailLimit components) have up to 136 such flows, which
// cost them 10%.
const apartLimit = 150

// commonBoundary returns the innermost boundary drawn around both a and b
// (boundary ids, "" for none), following drawnIn.
func commonBoundary(a, b string, drawnIn map[string]string) string {
	around := map[string]bool{}
	for p := a; p != "" && !around[p]; p = drawnIn[p] {
		around[p] = true
	}
	for p, n := b, 0; p != "" && n <= len(drawnIn); p, n = drawnIn[p], n+1 {
		if around[p] {
			return p
		}
	}
	return ""
}

// apartLabel is the DOT line of a flow's label drawn as a node of its own,
// with the id "fl-ID". Graphviz places an arrow's label where the arrow
// runs, which for an arrow into another trust boundary is often across the
// boundary's frame or its name; a node declared in the innermost boundary
// holding both ends is kept inside that boundary's frame and outside those
// of the boundaries nested in it, so the label crosses no frame. The arrow
// then runs in two parts through the label (edge).
func apartLabel(node, id, text, font, tip string) string {
	return fmt.Sprintf("%s [id=%s, shape=plaintext, style=\"\", margin=0, fontsize=9, fontcolor=%q, tooltip=%s, label=%s];\n",
		quote(node), quote(id), font, quote(tip), edgeLabel(text))
}

// flowLabel is the text of a flow's label: protocol, authentication and
// the data it carries.
func flowLabel(ix *model.Index, f *model.Flow) string {
	label := strings.ToUpper(string(f.Protocol))
	if f.Authentication != "" && f.Authentication != "none" {
		label += " · " + string(f.Authentication)
	}
	var data []string
	for _, d := range ix.FlowData(f) {
		data = append(data, cmp.Or(d.Name, d.ID))
	}
	if len(data) > 0 {
		label += "\n" + wrap(strings.Join(data, ", "), edgeWrap)
	}
	return label
}

// flowStyle is how a flow's arrow is drawn: line and label colour, pen
// width and line style.
func flowStyle(f *model.Flow, opts Options, hl highlight) (color, font, pen, style string) {
	color, font, pen, style = colEdge, colText, "1.1", "solid"
	if f.EffectiveEncryption() == "none" && !local(f.Protocol) {
		style = "dashed"
	}
	if p, ok := Palette[opts.Severity[f.ID]]; ok {
		color, pen = p[1], "1.8"
	}
	if hl.active() {
		if hl.flow(f) {
			color, pen = colHighlight, "3.2"
		} else {
			color, font = colFaded, colFadedLabel
		}
	}
	return color, font, pen, style
}

// flowTip is a flow's tooltip.
func flowTip(f *model.Flow, opts Options) string {
	tip := f.ID + ": " + f.From + " → " + f.To
	if s := opts.Severity[f.ID]; s != "" {
		tip += " (" + string(s) + " risk)"
	}
	return tip
}

// edge writes a flow's arrow; through, when set, is its label node
// (apartLabel), and the arrow runs in two parts through it: "f-ID", without
// an arrowhead, to the label and "fh-ID" on to the flow's target.
func edge(b *strings.Builder, ix *model.Index, f *model.Flow, opts Options, hl highlight, through string) {
	if ix.Components[f.From] == nil || ix.Components[f.To] == nil {
		return
	}
	color, font, pen, style := flowStyle(f, opts, hl)
	tip := quote(flowTip(f, opts))
	if through != "" {
		attrs := fmt.Sprintf("color=%q, penwidth=%s, style=%s, tooltip=%s", color, pen, style, tip)
		fmt.Fprintf(b, "  %s -> %s [id=%s, %s, arrowhead=none];\n", quote(f.From), quote(through), quote("f-"+f.ID), attrs)
		fmt.Fprintf(b, "  %s -> %s [id=%s, %s];\n", quote(through), quote(f.To), quote("fh-"+f.ID), attrs)
		return
	}
	fmt.Fprintf(b, "  %s -> %s [id=%s, label=%s, color=%q, fontcolor=%q, penwidth=%s, style=%s, tooltip=%s];\n",
		quote(f.From), quote(f.To), quote("f-"+f.ID), edgeLabel(flowLabel(ix, f)), color, font, pen, style, tip)
}

// edgeLabel is a flow's label on a white ground: where Graphviz places a
// label across a trust boundary's frame, the frame stops at the label
// instead of running through its text.
func edgeLabel(text string) string {
	return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" BGCOLOR="white"><TR><TD>` +
		html(text) + `</TD></TR></TABLE>>`
}

// local reports whether a protocol never leaves the host, so a missing
// encryption is not worth a dashed line.
func local(p model.Protocol) bool {
	return p == "in-process" || p == "local-file" || p == "ipc"
}

// legend explains the shapes, the tints of elements and arrows, the line
// styles and, when a path is highlighted, its colour. overview says the
// boxes are whole trust boundaries.
func legend(b *strings.Builder, highlighted, overview bool) {
	b.WriteString("  subgraph cluster_legend {\n")
	b.WriteString(`    graph [id="legend", label=<<B>Legend</B>>, style="rounded", color="#d1d5db", fontsize=11, labeljust=l, margin=10];` + "\n")
	if overview {
		b.WriteString(`    "legend:boundary" [id="legend-boundary", shape=box, style="dashed,rounded,filled", fillcolor="white", color="` + colBoundary + `", label="Trust boundary\n(its own diagram)", fontsize=9, height=0.3];` + "\n")
	} else {
		b.WriteString(`    "legend:process" [id="legend-process", shape=box, style="rounded,filled", fillcolor="white", label="Process", fontsize=9, height=0.3];` + "\n")
		b.WriteString(`    "legend:store" [id="legend-store", shape=cylinder, style=filled, fillcolor="white", label="Data store", fontsize=9, height=0.3];` + "\n")
		b.WriteString(`    "legend:external" [id="legend-external", shape=box, style=filled, fillcolor="` + colExternal + `", label="External entity", fontsize=9, height=0.3];` + "\n")
	}
	var sev strings.Builder
	row := func(text string) {
		sev.WriteString(`<TR><TD COLSPAN="4" BORDER="0" ALIGN="LEFT"><FONT POINT-SIZE="8">` + html(text) + `</FONT></TD></TR>`)
	}
	sev.WriteString(`<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="3">`)
	sev.WriteString(`<TR><TD COLSPAN="4" BORDER="0" ALIGN="LEFT"><FONT POINT-SIZE="9"><B>Highest residual risk of open threats</B></FONT></TD></TR><TR>`)
	for _, s := range []model.Severity{"critical", "high", "medium", "low"} {
		p := Palette[s]
		fmt.Fprintf(&sev, `<TD BGCOLOR="%s" COLOR="%s"><FONT POINT-SIZE="8">%s</FONT></TD>`, p[0], p[1], s)
	}
	sev.WriteString(`</TR>`)
	row("fill of an element, colour of an arrow: that risk on it")
	row("white element, grey arrow: no open threat on it")
	row("grey element: external entity (outside your control)")
	row("solid arrow: encrypted flow; dashed arrow: unencrypted")
	if highlighted {
		sev.WriteString(`<TR><TD COLSPAN="4" BORDER="0" ALIGN="LEFT"><FONT POINT-SIZE="8" COLOR="` + colHighlight + `"><B>thick blue: the highlighted path</B></FONT></TD></TR>`)
		row("faded grey: not on the path")
	}
	row("dashed frame: trust boundary")
	sev.WriteString(`</TABLE>>`)
	b.WriteString(`    "legend:severity" [id="legend-severity", shape=plaintext, style="", margin=0, label=` + sev.String() + "];\n")
	if overview {
		b.WriteString(`    { rank=same; "legend:boundary"; "legend:severity"; }` + "\n")
		b.WriteString(`    "legend:severity" -> "legend:boundary" [style=invis];` + "\n")
	} else {
		b.WriteString(`    { rank=same; "legend:process"; "legend:store"; "legend:external"; "legend:severity"; }` + "\n")
		b.WriteString(`    "legend:severity" -> "legend:external" -> "legend:store" -> "legend:process" [style=invis];` + "\n")
	}
	b.WriteString("  }\n")
}

func tooltip(name, detail string, sev model.Severity) string {
	t := name + " (" + detail + ")"
	if sev != "" {
		t += ": highest residual risk " + string(sev)
	}
	return t
}

// quote returns s as a quoted DOT identifier.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// html escapes s for a Graphviz HTML-like label.
func html(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\n':
			b.WriteString("<BR/>")
		default:
			if r < 0x20 {
				continue
			}
			if r > 0x7e {
				b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wrap breaks s into lines of at most width characters at spaces (and after
// hyphens and commas when a word is too long); words longer than width stay whole.
func wrap(s string, width int) string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return ""
	}
	var lines []string
	cur := ""
	for _, w := range words {
		switch {
		case cur == "":
			cur = w
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	lines = append(lines, cur)
	return strings.Join(lines, "\n")
}

// SeverityByElement folds per-threat severities into the highest severity per
// element: each threat's severity applies to every element it targets.
func SeverityByElement(targets [][]string, severities []model.Severity) map[string]model.Severity {
	out := map[string]model.Severity{}
	for i, ts := range targets {
		if i >= len(severities) {
			break
		}
		s := severities[i]
		for _, t := range ts {
			if s.Rank() > out[t].Rank() {
				out[t] = s
			}
		}
	}
	return out
}
