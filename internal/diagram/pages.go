package diagram

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// DetailLimit is the most components one picture shows. Past it a diagram
// is unreadable at any zoom and Graphviz's layout time grows much faster
// than the model, so a larger model is drawn as an overview of its
// top-level trust boundaries plus one diagram per top-level boundary.
const DetailLimit = 150

// Limits of one overview or boundary diagram of a large model, so that no
// layout sees more than a few hundred elements.
const (
	// overviewLooseLimit is how many components outside every boundary
	// the overview draws one by one; more are drawn as one group.
	overviewLooseLimit = 30
	// overviewEdgeLimit is how many boundary-to-boundary arrows the
	// overview draws, the riskiest and busiest first.
	overviewEdgeLimit = 200
	// stubLimit is how many neighbouring boundaries a boundary diagram
	// draws; the rest are drawn as one "elsewhere" node.
	stubLimit = 30
	// stubArrowLimit is how many arrows between a boundary diagram's
	// components and its neighbours it draws one by one; past it they are
	// bundled per nested boundary (an arrow from the boundary's border), as
	// hundreds of arrows into a few nodes made the layout take seconds.
	stubArrowLimit = 60
)

// outsideID names the group of components outside every trust boundary.
const outsideID = "outside"

// Page is one picture of a model: the whole model, or for a large model its
// overview or one top-level trust boundary.
type Page struct {
	// ID is "dfd" for a whole model, "overview", or the boundary's id
	// ("-part-N" added for the later parts of a large boundary); the IDs of
	// one model's pages are distinct, so they can name files and anchors.
	ID string
	// Title names the picture.
	Title string
	// Components is how many of the model's components the picture draws.
	Components int
	// Risk ranks pictures for a reader with little time: the sum of the
	// severity ranks of its elements.
	Risk int
	dot  func(extra string) string
}

// DOT returns the page's Graphviz source.
func (p Page) DOT() []byte { return []byte(p.dot("")) }

// Pages splits a model into the pictures that draw it readably: one for a
// model of up to DetailLimit components; otherwise an overview of the
// top-level trust boundaries followed by one page per top-level boundary
// (in declaration order) and one for the components outside every boundary.
func Pages(m *model.Model, opts Options) []Page {
	if len(m.Components) <= DetailLimit {
		return []Page{{ID: "dfd", Title: pageTitle(m, opts), Components: len(m.Components),
			Risk: riskOf(m.Components, opts), dot: func(extra string) string { return build(m, opts, extra) }}}
	}
	g := groupModel(m)
	pages := []Page{{ID: "overview", Title: pageTitle(m, opts) + ": overview", Components: len(m.Components),
		Risk: riskOf(m.Components, opts), dot: func(extra string) string { return overview(m, g, opts, extra) }}}
	for _, id := range g.order {
		members := g.members[id]
		parts := (len(members) + DetailLimit - 1) / DetailLimit
		for part := range parts {
			sub := g.subModel(m, id, part)
			name := g.name(id)
			if parts > 1 {
				name = fmt.Sprintf("%s (part %d of %d)", name, part+1, parts)
			}
			pid := id
			if part > 0 {
				pid = fmt.Sprintf("%s-part-%d", id, part+1)
			}
			pages = append(pages, Page{ID: pid, Title: name, Components: len(sub.Components), Risk: riskOf(sub.Components, opts),
				dot: func(extra string) string {
					o := opts
					o.Title = name
					o.subtitle = "Trust boundary " + id + " of " + pageTitle(m, opts)
					if id == outsideID {
						o.subtitle = "Components outside every trust boundary in " + pageTitle(m, opts)
					}
					return buildScene(sub, o, extra, g.stubs(m, id, sub, o))
				}})
		}
	}
	uniqueIDs(pages)
	return pages
}

// uniqueIDs gives a page whose ID another page already has (a boundary
// called "overview", or one whose id ends like a part's) a numbered one.
func uniqueIDs(pages []Page) {
	taken := make(map[string]bool, len(pages))
	for i := range pages {
		id := pages[i].ID
		for n := 2; taken[id]; n++ {
			id = fmt.Sprintf("%s-%d", pages[i].ID, n)
		}
		taken[id] = true
		pages[i].ID = id
	}
}

func pageTitle(m *model.Model, opts Options) string {
	return cmp.Or(opts.Title, m.System.Name, m.System.ID)
}

func riskOf(cs []model.Component, opts Options) int {
	n := 0
	for i := range cs {
		n += opts.Severity[cs[i].ID].Rank()
	}
	return n
}

// groups assigns every component to its top-level trust boundary, or to
// the outside group.
type groups struct {
	of      map[string]string // component id -> group id
	order   []string          // group ids: top-level boundaries, then outside
	members map[string][]model.Component
	bounds  map[string]*model.TrustBoundary
	nested  map[string]int // group id -> nested boundaries
}

func groupModel(m *model.Model) *groups {
	ix := m.Index()
	g := &groups{of: map[string]string{}, members: map[string][]model.Component{},
		bounds: map[string]*model.TrustBoundary{}, nested: map[string]int{}}
	top := func(id string) string {
		chain := ix.BoundaryChain(id)
		if len(chain) == 0 {
			return ""
		}
		return chain[len(chain)-1]
	}
	for i := range m.TrustBoundaries {
		b := &m.TrustBoundaries[i]
		if t := top(b.ID); t != "" {
			g.nested[t]++
			continue
		}
		if g.bounds[b.ID] == nil {
			g.bounds[b.ID] = b
			g.order = append(g.order, b.ID)
		}
	}
	for i := range m.Components {
		c := m.Components[i]
		t := top(c.ID)
		if t == "" || g.bounds[t] == nil {
			t = outsideID
		}
		g.of[c.ID] = t
		g.members[t] = append(g.members[t], c)
	}
	if len(g.members[outsideID]) > 0 {
		g.order = append(g.order, outsideID)
	}
	// A boundary with no components draws an empty page; leave it to the
	// overview.
	g.order = slices.DeleteFunc(g.order, func(id string) bool { return len(g.members[id]) == 0 })
	return g
}

func (g *groups) name(id string) string {
	if id == outsideID {
		return "Outside every trust boundary"
	}
	return cmp.Or(g.bounds[id].Name, id)
}

// subModel is part number part (of DetailLimit components each) of the
// model inside group id: those components, the boundaries nested in the
// group and the flows between the components.
func (g *groups) subModel(m *model.Model, id string, part int) *model.Model {
	sub := &model.Model{Rampart: m.Rampart, System: m.System, Data: m.Data}
	members := g.members[id][part*DetailLimit:]
	if len(members) > DetailLimit {
		members = members[:DetailLimit]
	}
	sub.Components = members
	in := make(map[string]bool, len(members))
	for i := range members {
		in[members[i].ID] = true
	}
	if id != outsideID {
		ix := m.Index()
		for i := range m.TrustBoundaries {
			b := &m.TrustBoundaries[i]
			chain := ix.BoundaryChain(b.ID)
			if b.ID == id || (len(chain) > 0 && chain[len(chain)-1] == id) {
				sub.TrustBoundaries = append(sub.TrustBoundaries, *b)
			}
		}
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		if in[f.From] && in[f.To] {
			sub.Flows = append(sub.Flows, *f)
		}
	}
	return sub
}

// bundle is a set of flows drawn as one arrow.
type bundle struct {
	from, to    string
	flows       int
	unencrypted int
	sev         model.Severity
	highlighted bool
	label       string // the flow's own label when the bundle holds one flow
	// tail and head are more DOT attributes of the arrow's ends (ltail, lhead).
	tail, head string
	// unlabelled leaves the label out: the arrow's stub counts the flows.
	unlabelled bool
}

func (b *bundle) add(f *model.Flow, opts Options, hl highlight) {
	b.flows++
	if f.EffectiveEncryption() == "none" && !local(f.Protocol) {
		b.unencrypted++
	}
	if s := opts.Severity[f.ID]; s.Rank() > b.sev.Rank() {
		b.sev = s
	}
	if hl.flow(f) {
		b.highlighted = true
	}
}

// edge writes the bundle's arrow.
func (b *bundle) edge(w *strings.Builder, hl highlight, tip string) {
	label := b.label
	if b.flows > 1 || label == "" {
		label = fmt.Sprintf("%d flows", b.flows)
		if b.flows == 1 {
			label = "1 flow"
		}
		if b.unencrypted > 0 {
			label += fmt.Sprintf("\n%d unencrypted", b.unencrypted)
		}
	}
	color, font, pen, style := colEdge, colText, "1.1", "solid"
	if b.unencrypted > 0 {
		style = "dashed"
	}
	if p, ok := Palette[b.sev]; ok {
		color, pen = p[1], "1.8"
	}
	if hl.active() {
		if b.highlighted {
			color, pen = colHighlight, "3.2"
		} else {
			color, font = colFaded, colFadedLabel
		}
	}
	if b.unlabelled {
		fmt.Fprintf(w, "  %s -> %s [color=%q, penwidth=%s, style=%s, tooltip=%s%s%s];\n",
			quote(b.from), quote(b.to), color, pen, style, quote(tip), b.tail, b.head)
		return
	}
	// The label stays on the arrow, even for an arrow to a stub, whose label
	// can then touch the frame of the page's boundary: drawn as a node of its
	// own (apartLabel), the labels of 86 such arrows tripled the layout time
	// of a page.
	fmt.Fprintf(w, "  %s -> %s [label=%s, color=%q, fontcolor=%q, penwidth=%s, style=%s, tooltip=%s%s%s];\n",
		quote(b.from), quote(b.to), edgeLabel(label), color, font, pen, style, quote(tip), b.tail, b.head)
}

// bundles folds flows into one arrow per (from, to) pair of keys; key
// returns "" for flows to leave out.
func bundles(m *model.Model, opts Options, hl highlight, key func(f *model.Flow) (string, string)) []*bundle {
	byPair := map[[2]string]*bundle{}
	var out []*bundle
	for i := range m.Flows {
		f := &m.Flows[i]
		a, b := key(f)
		if a == "" || b == "" || a == b {
			continue
		}
		bd := byPair[[2]string{a, b}]
		if bd == nil {
			bd = &bundle{from: a, to: b}
			byPair[[2]string{a, b}] = bd
			out = append(out, bd)
		}
		bd.add(f, opts, hl)
	}
	return out
}

// overview draws one node per top-level boundary (and the components
// outside every boundary) with one arrow per pair that exchanges flows.
func overview(m *model.Model, g *groups, opts Options, extra string) string {
	hl := newHighlight(m, opts.Highlight)
	ix := m.Index()
	var b strings.Builder
	o := opts
	o.Title = pageTitle(m, opts)
	o.subtitle = fmt.Sprintf("Overview: %d components in %d top-level trust boundaries; each boundary has its own diagram",
		len(m.Components), len(g.bounds))
	header(&b, m, o, hl, extra)

	loose := g.members[outsideID]
	drawLoose := len(loose) <= overviewLooseLimit
	node := func(id string) string {
		if g.of[id] == outsideID && drawLoose {
			return id
		}
		return "g:" + g.of[id]
	}
	for _, id := range g.order {
		if id == outsideID && drawLoose {
			continue
		}
		groupNode(&b, id, g, opts, hl)
	}
	for _, id := range slices.Sorted(func(yield func(string) bool) {
		for id := range g.bounds {
			if len(g.members[id]) == 0 && !yield(id) {
				return
			}
		}
	}) {
		groupNode(&b, id, g, opts, hl)
	}
	if drawLoose {
		for i := range loose {
			nodeLine(&b, "  ", &loose[i], opts, hl)
		}
	}
	bs := bundles(m, opts, hl, func(f *model.Flow) (string, string) {
		if ix.Components[f.From] == nil || ix.Components[f.To] == nil {
			return "", ""
		}
		return node(f.From), node(f.To)
	})
	slices.SortStableFunc(bs, func(x, y *bundle) int {
		return cmp.Or(cmp.Compare(y.sev.Rank(), x.sev.Rank()), cmp.Compare(y.flows, x.flows))
	})
	dropped := 0
	if len(bs) > overviewEdgeLimit {
		dropped = len(bs) - overviewEdgeLimit
		bs = bs[:overviewEdgeLimit]
	}
	for _, bd := range bs {
		bd.edge(&b, hl, fmt.Sprintf("%d flow(s) from %s to %s", bd.flows, strings.TrimPrefix(bd.from, "g:"), strings.TrimPrefix(bd.to, "g:")))
	}
	if dropped > 0 {
		fmt.Fprintf(&b, "  \"note:more\" [shape=note, style=filled, fillcolor=\"white\", fontsize=9, label=%s];\n",
			quote(fmt.Sprintf("%d more boundary pairs exchange flows\n(the %d riskiest and busiest are drawn)", dropped, overviewEdgeLimit)))
	}
	if !opts.NoLegend {
		legend(&b, hl.active(), true)
	}
	b.WriteString("}\n")
	return b.String()
}

// groupNode draws a top-level boundary (or the outside group) as one node.
func groupNode(b *strings.Builder, id string, g *groups, opts Options, hl highlight) {
	members := g.members[id]
	var sev model.Severity
	on := false
	for i := range members {
		if s := opts.Severity[members[i].ID]; s.Rank() > sev.Rank() {
			sev = s
		}
		if hl.on[members[i].ID] {
			on = true
		}
	}
	fill, border, pen, font := "white", colBoundary, "1.3", colText
	if p, ok := Palette[sev]; ok {
		fill, border = p[0], p[1]
	}
	if hl.active() {
		if on {
			border, pen = colHighlight, "3.2"
		} else {
			border, font = colFaded, colFadedLabel
		}
	}
	detail := fmt.Sprintf("%d components", len(members))
	if len(members) == 1 {
		detail = "1 component"
	}
	kind := "components outside every boundary"
	if tb := g.bounds[id]; tb != nil {
		kind = string(tb.Type)
		if n := g.nested[id]; n > 0 {
			detail += fmt.Sprintf(" · %d nested boundaries", n)
		}
	}
	lab := "<<B>" + html(wrap(g.name(id), nodeWrap)) + "</B><BR/><FONT POINT-SIZE=\"9\">" + html(kind) +
		"</FONT><BR/><FONT POINT-SIZE=\"9\">" + html(detail) + "</FONT>"
	if sev != "" {
		lab += "<BR/><FONT POINT-SIZE=\"8\"><B>" + html(strings.ToUpper(string(sev))) + " RISK</B></FONT>"
	}
	lab += ">"
	fmt.Fprintf(b, "  %s [id=%s, shape=box, style=\"dashed,rounded,filled\", fillcolor=%q, color=%q, fontcolor=%q, penwidth=%s, tooltip=%s, label=%s];\n",
		quote("g:"+id), quote("g-"+id), fill, border, font, pen, quote(g.name(id)+": "+detail), lab)
}

// stubs draws, for a boundary page of group id, one node per other group
// (or other part of the same group) its components exchange flows with,
// and the bundled arrows to them.
func (g *groups) stubs(m *model.Model, id string, sub *model.Model, opts Options) string {
	hl := newHighlight(m, opts.Highlight)
	in := make(map[string]bool, len(sub.Components))
	for i := range sub.Components {
		in[sub.Components[i].ID] = true
	}
	ix := m.Index()
	// A neighbour is another group, or another part of this one.
	partOf := map[string]int{}
	if len(g.members[id]) > DetailLimit {
		for i, c := range g.members[id] {
			partOf[c.ID] = i / DetailLimit
		}
	}
	parts := (len(g.members[id]) + DetailLimit - 1) / DetailLimit
	labels := map[string]string{}
	neighbour := func(other string) string {
		grp := g.of[other]
		if grp != id {
			if labels[grp] == "" {
				labels[grp] = g.name(grp) + "\n(other boundary)"
			}
			return grp
		}
		k := fmt.Sprintf("%s#%d", id, partOf[other])
		if labels[k] == "" {
			labels[k] = fmt.Sprintf("%s\n(part %d of %d)", g.name(id), partOf[other]+1, parts)
		}
		return k
	}
	// Count each neighbour's flows to keep the busiest when there are many.
	count := map[string]int{}
	for i := range m.Flows {
		f := &m.Flows[i]
		if ix.Components[f.From] == nil || ix.Components[f.To] == nil || in[f.From] == in[f.To] {
			continue
		}
		other := f.To
		if in[f.To] {
			other = f.From
		}
		count[neighbour(other)]++
	}
	neighbours := slices.Collect(func(yield func(string) bool) {
		for n := range count {
			if !yield(n) {
				return
			}
		}
	})
	slices.SortFunc(neighbours, func(a, b string) int { return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b)) })
	shown := map[string]bool{}
	for i, n := range neighbours {
		if i < stubLimit {
			shown[n] = true
		}
	}
	stub := func(other string) string {
		if n := neighbour(other); shown[n] {
			return "stub:" + n
		}
		return "stub:elsewhere"
	}
	var b strings.Builder
	side := func(id string) string { return id }
	key := func(f *model.Flow) (string, string) {
		if ix.Components[f.From] == nil || ix.Components[f.To] == nil {
			return "", ""
		}
		switch {
		case in[f.From] && !in[f.To]:
			return side(f.From), stub(f.To)
		case in[f.To] && !in[f.From]:
			return stub(f.From), side(f.To)
		}
		return "", ""
	}
	bs := bundles(m, opts, hl, key)
	// Too many arrows: one per nested boundary and neighbour, drawn from
	// the boundary's border (a member as the arrow's end, clipped there).
	rep := map[string]string{} // boundary id -> the first of its components on the page
	if len(bs) > stubArrowLimit {
		for i := range sub.Components {
			c := sub.Components[i].ID
			if p := ix.Parent[c]; p != "" && ix.Boundaries[p] != nil && rep[p] == "" {
				rep[p] = c
			}
		}
		side = func(id string) string {
			if p := ix.Parent[id]; rep[p] != "" {
				return "cluster_" + p
			}
			return id
		}
		bs = bundles(m, opts, hl, key)
	}
	used := map[string]bool{}
	// Bundled per nested boundary, the arrows are drawn without labels,
	// which Graphviz would lay across the page boundary's frame, and each
	// stub counts its flows.
	totals := map[string]*bundle{} // stub -> its flows
	for _, bd := range bs {
		used[bd.from], used[bd.to] = true, true
		bd.unlabelled = len(rep) > 0
		stub := bd.to
		if strings.HasPrefix(bd.from, "stub:") {
			stub = bd.from
		}
		if totals[stub] == nil {
			totals[stub] = &bundle{}
		}
		totals[stub].flows += bd.flows
		totals[stub].unencrypted += bd.unencrypted
	}
	counted := func(stub, label string) string {
		if len(rep) == 0 {
			return label
		}
		t := totals[stub]
		if t.flows == 1 {
			label += "\n1 flow"
		} else {
			label += fmt.Sprintf("\n%d flows", t.flows)
		}
		if t.unencrypted > 0 {
			label += fmt.Sprintf(", %d unencrypted", t.unencrypted)
		}
		return label
	}
	for _, n := range neighbours {
		if !shown[n] || !used["stub:"+n] {
			continue
		}
		fmt.Fprintf(&b, "  %s [shape=box, style=\"dashed,rounded\", color=%q, fontcolor=%q, fontsize=9, tooltip=%s, label=%s];\n",
			quote("stub:"+n), colBoundary, colMuted, quote("drawn in its own diagram"), quote(counted("stub:"+n, labels[n])))
	}
	if used["stub:elsewhere"] {
		fmt.Fprintf(&b, "  \"stub:elsewhere\" [shape=box, style=\"dashed,rounded\", color=%q, fontcolor=%q, fontsize=9, label=%s];\n",
			colBoundary, colMuted, quote(counted("stub:elsewhere", fmt.Sprintf("%d more boundaries", len(neighbours)-len(shown)))))
	}
	for _, bd := range bs {
		name := func(key string) string {
			key = strings.TrimPrefix(key, "stub:")
			if p, ok := strings.CutPrefix(key, "cluster_"); ok {
				return cmp.Or(ix.Boundaries[p].Name, p)
			}
			return key
		}
		tip := fmt.Sprintf("%d flow(s) between %s and %s", bd.flows, name(bd.from), name(bd.to))
		if p, ok := strings.CutPrefix(bd.from, "cluster_"); ok && rep[p] != "" {
			bd.from, bd.tail = rep[p], ", ltail="+quote(bd.from)
		}
		if p, ok := strings.CutPrefix(bd.to, "cluster_"); ok && rep[p] != "" {
			bd.to, bd.head = rep[p], ", lhead="+quote(bd.to)
		}
		bd.edge(&b, hl, tip)
	}
	return b.String()
}
