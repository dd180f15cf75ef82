// Package pdf writes an analysis as a printable PDF report, in pure Go: a
// cover page, a table of contents, the executive summary, the heatmap, the
// data-flow diagram, the threat register, each threat in detail, attack
// paths, attack trees, data assets and a model summary, with page numbers
// and bookmarks.
package pdf

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"image/png"
	"io"
	"strconv"
	"strings"

	"github.com/golang/freetype/truetype"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/math/fixed"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/attacktree"
	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/bycategory"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// Options tune the PDF.
type Options struct {
	// Renderer draws the diagram; nil starts a Graphviz for this report.
	Renderer *diagram.Renderer
	// NoDiagram leaves the diagram out.
	NoDiagram bool
	// Summary writes the executive summary only: the figures, the heatmap,
	// the overview diagram, one line per rule and the attack paths, without
	// the register, the threat details and the inventories.
	Summary bool
}

// Page geometry in points (A4).
const (
	margin     = 48.0
	bottomGap  = 56.0 // space kept free for the footer
	bodySize   = 9.5
	lineFactor = 1.35
)

type rgb [3]uint8

var (
	black   = rgb{17, 24, 39}
	muted   = rgb{75, 85, 99}
	line    = rgb{209, 213, 219}
	headBg  = rgb{31, 41, 55}
	white   = rgb{255, 255, 255}
	panel   = rgb{243, 244, 246}
	accent  = rgb{29, 78, 216}
	sevFill = map[model.Severity][2]rgb{}
)

func init() {
	for s, p := range diagram.Palette {
		sevFill[s] = [2]rgb{hex(p[0]), hex(p[1])}
	}
}

func hex(s string) rgb {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil {
		return black
	}
	return rgb{uint8(v >> 16), uint8(v >> 8), uint8(v)}
}

type tocEntry struct {
	title  string
	page   int
	anchor string
}

type doc struct {
	pdf    *gopdf.GoPdf
	w, h   float64
	y      float64
	pages  []gopdf.Rect
	toc    []tocEntry
	title  string
	family string
	err    error

	style   string
	size    float64
	metrics map[string]*metrics
}

// metrics caches a font's advance widths, in points per point of size.
type metrics struct {
	font  *truetype.Font
	units fixed.Int26_6
	adv   map[rune]float64
}

func newMetrics(data []byte) (*metrics, error) {
	f, err := truetype.Parse(data)
	if err != nil {
		return nil, err
	}
	return &metrics{font: f, units: fixed.Int26_6(f.FUnitsPerEm()), adv: map[rune]float64{}}, nil
}

func (m *metrics) width(s string) float64 {
	w := 0.0
	for _, r := range s {
		a, ok := m.adv[r]
		if !ok {
			idx := m.font.Index(r)
			if idx == 0 {
				idx = m.font.Index('?')
			}
			a = float64(m.font.HMetric(m.units, idx).AdvanceWidth) / float64(m.units)
			m.adv[r] = a
		}
		w += a
	}
	return w
}

// Write renders the PDF report for an analysis result.
func Write(ctx context.Context, w io.Writer, r *analysis.Result, opts Options) error {
	if r.Model == nil {
		return fmt.Errorf("pdf report: the result carries no model")
	}
	var pics []picture
	if !opts.NoDiagram {
		limit := 0
		if opts.Summary {
			limit = 1
		}
		var err error
		pics, err = diagramImages(ctx, r, opts.Renderer, limit)
		if err != nil {
			return err
		}
	}
	d, err := newDoc(r)
	if err != nil {
		return err
	}
	d.cover(r, opts.Summary)
	d.tocPage()
	d.summary(r, opts.Summary)
	d.heatmap(r)
	d.categories(r)
	for i, p := range pics {
		d.diagram(p, i == 0 && len(pics) > 1)
	}
	fs := append([]analysis.Finding(nil), r.Findings...)
	analysis.SortByRisk(fs)
	groups := byRule(fs)
	trees, left, err := attacktree.ForReport(r)
	if err != nil {
		return fmt.Errorf("pdf report: attack trees: %w", err)
	}
	if opts.Summary {
		d.ruleSummary(groups)
		d.paths(r, summaryPaths)
		d.trees(trees, left, true)
	} else {
		d.register(fs)
		d.details(groups)
		d.paths(r, len(r.Paths))
		d.trees(trees, left, false)
		d.dataAssets(r)
		d.modelSummary(r)
	}
	d.fillTOC()
	d.footers()
	if d.err != nil {
		return fmt.Errorf("pdf report: %w", d.err)
	}
	var buf bytes.Buffer
	if _, err := d.pdf.WriteTo(&buf); err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("pdf report: write: %w", err)
	}
	return nil
}

// picture is one rendered diagram page.
type picture struct {
	title string
	png   []byte
	first bool
}

// diagramImages renders the diagram pages (see diagram.Pages) as PNG bytes,
// which the PDF embeds as they are; at most limit pages when limit > 0.
func diagramImages(ctx context.Context, r *analysis.Result, rd *diagram.Renderer, limit int) ([]picture, error) {
	var targets [][]string
	var sev []model.Severity
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Treatment.Open() {
			targets = append(targets, f.Targets)
			sev = append(sev, f.Residual.Severity)
		}
	}
	if rd == nil {
		var err error
		if rd, err = diagram.NewRenderer(ctx); err != nil {
			return nil, fmt.Errorf("pdf report: diagram: %w", err)
		}
		defer rd.Close()
	}
	pages := diagram.Pages(r.Model, diagram.Options{Severity: diagram.SeverityByElement(targets, sev)})
	if limit > 0 && len(pages) > limit {
		pages = pages[:limit]
	}
	var out []picture
	for _, p := range pages {
		var buf bytes.Buffer
		if err := rd.RenderPage(ctx, p, diagram.FormatPNG, &buf); err != nil {
			return nil, fmt.Errorf("pdf report: diagram %s: %w", p.Title, err)
		}
		title := "Data-flow diagram"
		if p.ID != "dfd" && p.ID != "overview" {
			title = "Diagram: " + p.Title
		}
		out = append(out, picture{title: title, png: buf.Bytes(), first: len(out) == 0})
	}
	return out, nil
}

func newDoc(r *analysis.Result) (*doc, error) {
	p := &gopdf.GoPdf{}
	p.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	subst := gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(rune) rune { return '?' }}
	for _, f := range []struct {
		data  []byte
		style int
	}{{goregular.TTF, gopdf.Regular}, {gobold.TTF, gopdf.Bold}, {goitalic.TTF, gopdf.Italic}} {
		o := subst
		o.Style = f.style
		if err := p.AddTTFFontDataWithOption("go", f.data, o); err != nil {
			return nil, fmt.Errorf("pdf report: font: %w", err)
		}
	}
	title := r.System.Name
	if title == "" {
		title = r.System.ID
	}
	ms := map[string]*metrics{}
	for style, data := range map[string][]byte{"": goregular.TTF, "B": gobold.TTF, "I": goitalic.TTF} {
		m, err := newMetrics(data)
		if err != nil {
			return nil, fmt.Errorf("pdf report: font: %w", err)
		}
		ms[style] = m
	}
	p.SetInfo(gopdf.PdfInfo{Title: "Threat model: " + title, Subject: "Threat model report", Creator: r.Tool, Producer: r.Tool})
	return &doc{pdf: p, title: title, family: "go", metrics: ms}, nil
}

// --- low-level drawing ---

func (d *doc) check(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}

func (d *doc) newPage(landscape bool) {
	size := *gopdf.PageSizeA4
	if landscape {
		size = gopdf.Rect{W: size.H, H: size.W}
	}
	d.pdf.AddPageWithOption(gopdf.PageOption{PageSize: &size})
	d.w, d.h = size.W, size.H
	d.pages = append(d.pages, size)
	d.y = margin
}

func (d *doc) font(style string, size float64) {
	d.style, d.size = style, size
	d.check(d.pdf.SetFont(d.family, style, size))
}

// measure is the width of s in the current font, from the font's advance
// widths (gopdf measures rune by rune through its subsetter, which is slow).
func (d *doc) measure(s string) float64 {
	m := d.metrics[d.style]
	if m == nil {
		m = d.metrics[""]
	}
	return m.width(s) * d.size
}

func (d *doc) color(c rgb)     { d.pdf.SetTextColor(c[0], c[1], c[2]) }
func (d *doc) fill(c rgb)      { d.pdf.SetFillColor(c[0], c[1], c[2]) }
func (d *doc) stroke(c rgb)    { d.pdf.SetStrokeColor(c[0], c[1], c[2]) }
func (d *doc) bottom() float64 { return d.h - bottomGap }

// ensure starts a new page when h more points do not fit.
func (d *doc) ensure(h float64) bool {
	if d.y+h > d.bottom() {
		d.newPage(false)
		return true
	}
	return false
}

func (d *doc) textAt(x, y float64, s string) {
	d.pdf.SetXY(x, y)
	d.check(d.pdf.Text(s))
}

// lines wraps s to width in the current font: at spaces, and inside words
// (ids, URLs) only when a word alone is wider than the line.
func (d *doc) lines(s string, width float64) []string {
	var out []string
	space := d.measure(" ")
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		cur, curW := "", 0.0
		for _, w := range words {
			ww := d.measure(w)
			switch {
			case cur == "":
			case curW+space+ww <= width:
				cur, curW = cur+" "+w, curW+space+ww
				continue
			default:
				out = append(out, cur)
			}
			for ww > width {
				head, rest := d.cut(w, width)
				out = append(out, head)
				w = rest
				ww = d.measure(w)
			}
			cur, curW = w, ww
		}
		out = append(out, cur)
	}
	return out
}

// cut splits a word that is too wide: the longest head that fits (at least
// one rune), preferring a break after a hyphen, '@', '+', '/' or '.'.
func (d *doc) cut(w string, width float64) (string, string) {
	runes := []rune(w)
	n, total := 0, 0.0
	for n < len(runes) {
		rw := d.measure(string(runes[n]))
		if n > 0 && total+rw > width {
			break
		}
		total += rw
		n++
	}
	for i := n; i > n/2 && i > 1; i-- {
		switch runes[i-1] {
		case '-', '@', '+', '/', '.', '_':
			return string(runes[:i]), string(runes[i:])
		}
	}
	return string(runes[:n]), string(runes[n:])
}

// para writes wrapped text at the cursor and moves it down.
func (d *doc) para(s, style string, size float64, c rgb, indent float64) {
	d.font(style, size)
	d.color(c)
	lh := size * lineFactor
	for _, l := range d.lines(s, d.w-2*margin-indent) {
		d.ensure(lh)
		d.textAt(margin+indent, d.y+size, l)
		d.y += lh
	}
	d.y += size * 0.4
}

// heading starts a section (level 1: new page, bookmark and TOC entry).
func (d *doc) heading(title string, level int) {
	switch level {
	case 1:
		d.newPage(false)
		anchor := fmt.Sprintf("sec-%d", len(d.toc)+1)
		d.pdf.SetAnchor(anchor)
		d.pdf.AddOutline(title)
		d.toc = append(d.toc, tocEntry{title: title, page: len(d.pages), anchor: anchor})
		d.font("B", 18)
		d.color(black)
		d.textAt(margin, d.y+18, title)
		d.y += 26
		d.stroke(black)
		d.pdf.SetLineWidth(1.2)
		d.pdf.Line(margin, d.y, d.w-margin, d.y)
		d.y += 12
	default:
		d.ensure(40)
		d.y += 6
		d.font("B", 12)
		d.color(black)
		d.textAt(margin, d.y+12, title)
		d.y += 18
	}
}

// cell is one table cell.
type cell struct {
	text   string
	bold   bool
	sev    model.Severity // tints the cell
	link   string
	anchor string // a link target at the row
}

type col struct {
	title string
	width float64 // fraction of the text width
}

// table draws rows under a header that repeats on each new page.
func (d *doc) table(caption string, cols []col, rows [][]cell) {
	const size, pad = 8.0, 3.0
	lh := size * 1.3
	total := d.w - 2*margin
	widths := columnWidths(d, cols, total, size, pad)
	header := func() {
		d.font("B", size)
		hl := make([][]string, len(cols))
		hh := 0.0
		for i, c := range cols {
			hl[i] = d.lines(c.title, widths[i]-2*pad)
			hh = max(hh, float64(len(hl[i]))*lh+2*pad)
		}
		d.ensure(hh + lh + 2*pad)
		x := margin
		d.fill(headBg)
		d.pdf.RectFromUpperLeftWithStyle(margin, d.y, total, hh, "F")
		d.color(white)
		for i := range cols {
			for j, l := range hl[i] {
				d.textAt(x+pad, d.y+pad+size+float64(j)*lh, l)
			}
			x += widths[i]
		}
		d.y += hh
	}
	if caption != "" {
		d.ensure(60)
		d.font("B", 9.5)
		d.color(black)
		d.textAt(margin, d.y+10, caption)
		d.y += 15
	}
	header()
	for ri, row := range rows {
		cl := make([][]string, len(cols))
		rh := 0.0
		for i := range cols {
			if i >= len(row) {
				continue
			}
			style := ""
			if row[i].bold || row[i].sev != "" {
				style = "B"
			}
			d.font(style, size)
			cl[i] = d.lines(row[i].text, widths[i]-2*pad)
			rh = max(rh, float64(len(cl[i]))*lh+2*pad)
		}
		if d.y+rh > d.bottom() {
			d.newPage(false)
			header()
		}
		x := margin
		if ri%2 == 1 {
			d.fill(rgb{249, 250, 251})
			d.pdf.RectFromUpperLeftWithStyle(margin, d.y, total, rh, "F")
		}
		for i := range cols {
			if i >= len(row) {
				x += widths[i]
				continue
			}
			c := row[i]
			fg := black
			if p, ok := sevFill[c.sev]; ok {
				d.fill(p[0])
				d.pdf.RectFromUpperLeftWithStyle(x+1, d.y+1, widths[i]-2, rh-2, "F")
				fg = darken(p[1])
			}
			style := ""
			if c.bold || c.sev != "" {
				style = "B"
			}
			d.font(style, size)
			if c.link != "" {
				fg = accent
			}
			d.color(fg)
			if c.anchor != "" {
				d.pdf.SetXY(x, d.y)
				d.pdf.SetAnchor(c.anchor)
			}
			for j, l := range cl[i] {
				d.textAt(x+pad, d.y+pad+size+float64(j)*lh, l)
			}
			if c.link != "" {
				d.pdf.AddInternalLink(c.link, x, d.y, widths[i], rh)
			}
			x += widths[i]
		}
		d.stroke(line)
		d.pdf.SetLineWidth(0.5)
		d.pdf.Line(margin, d.y+rh, margin+total, d.y+rh)
		d.y += rh
	}
	d.y += 10
}

// columnWidths gives each column its share of total, widened where a word
// of its (bold) heading would not fit, so headings break between words
// ("Personal", not "Persona l"); the other columns give up the room in
// proportion to their width. If the words cannot all fit, the shares stay.
func columnWidths(d *doc, cols []col, total, size, pad float64) []float64 {
	widths := make([]float64, len(cols))
	need := make([]float64, len(cols))
	d.font("B", size)
	sumNeed := 0.0
	for i, c := range cols {
		widths[i] = c.width * total
		for _, w := range strings.Fields(c.title) {
			need[i] = max(need[i], d.measure(w)+2*pad+1)
		}
		sumNeed += need[i]
	}
	if sumNeed > total {
		return widths
	}
	for range cols { // each pass settles at least one column
		short, spare := 0.0, 0.0
		for i := range cols {
			if widths[i] < need[i] {
				short += need[i] - widths[i]
			} else {
				spare += widths[i] - need[i]
			}
		}
		if short == 0 || spare == 0 {
			break
		}
		take := min(short, spare)
		for i := range cols {
			if widths[i] < need[i] {
				widths[i] = need[i]
			} else {
				widths[i] -= take * (widths[i] - need[i]) / spare
			}
		}
	}
	return widths
}

// darken makes a border colour dark enough for text on the light fill.
func darken(c rgb) rgb { return rgb{c[0] * 6 / 10, c[1] * 6 / 10, c[2] * 6 / 10} }

// --- sections ---

func (d *doc) cover(r *analysis.Result, summary bool) {
	d.newPage(false)
	d.fill(headBg)
	d.pdf.RectFromUpperLeftWithStyle(0, 0, d.w, 250, "F")
	d.font("", 11)
	d.color(rgb{209, 213, 219})
	if summary {
		d.textAt(margin, 90, "THREAT MODEL: EXECUTIVE SUMMARY")
	} else {
		d.textAt(margin, 90, "THREAT MODEL REPORT")
	}
	d.font("B", 30)
	d.color(white)
	y := 130.0
	for _, l := range d.lines(d.title, d.w-2*margin) {
		d.textAt(margin, y, l)
		y += 36
	}
	d.y = 290
	facts := [][2]string{{"System", r.System.ID}, {"Owner", r.System.Owner}, {"Risk owner", r.System.RiskOwner},
		{"Classification", string(r.System.Classification)}, {"Assessed as of", r.AsOf}, {"Produced by", r.Tool}}
	for _, f := range facts {
		if f[1] == "" {
			continue
		}
		d.font("B", 11)
		d.color(muted)
		d.textAt(margin, d.y, f[0])
		d.font("", 11)
		d.color(black)
		d.textAt(margin+110, d.y, f[1])
		d.y += 20
	}
	s := r.Summary
	d.y += 30
	boxes := []struct {
		n     int
		label string
		alert bool
	}{{s.Threats, "threats identified", false}, {s.Open, "open", false}, {s.Breaches, "above risk appetite", s.Breaches > 0}}
	bw := (d.w - 2*margin - 20) / 3
	for i, b := range boxes {
		x := margin + float64(i)*(bw+10)
		bg, fg := panel, black
		if b.alert {
			p := sevFill["critical"]
			bg, fg = p[0], darken(p[1])
		}
		d.fill(bg)
		d.pdf.RectFromUpperLeftWithStyle(x, d.y, bw, 70, "F")
		d.font("B", 26)
		d.color(fg)
		d.textAt(x+12, d.y+36, strconv.Itoa(b.n))
		d.font("", 10)
		d.textAt(x+12, d.y+56, b.label)
	}
	d.y += 100
	if r.Appetite.Declared {
		d.para("Risk appetite: residual severity at most "+string(r.Appetite.MaxSeverity)+".", "", 10, muted, 0)
	}
}

func (d *doc) tocPage() {
	d.newPage(false)
	d.font("B", 18)
	d.color(black)
	d.textAt(margin, d.y+18, "Contents")
	d.y += 40
}

// leaderGap is the space kept on each side of a contents line's dots.
const leaderGap = 6.0

// leaders fits dot leaders of width dot each between a title ending at
// from and a page number starting at to: how many, and where they start
// (right-aligned, so they end leaderGap before the number).
func leaders(from, to, dot float64) (int, float64) {
	if dot <= 0 {
		return 0, 0
	}
	n := int((to - from - 2*leaderGap) / dot)
	if n <= 0 {
		return 0, 0
	}
	return n, to - leaderGap - float64(n)*dot
}

// fillTOC writes the table of contents on page 2 once every section's page is known.
func (d *doc) fillTOC() {
	if len(d.pages) < 2 {
		return
	}
	d.check(d.pdf.SetPage(2))
	w := d.pages[1].W
	y := margin + 40 + d.pages[len(d.pages)-1].H - d.pages[1].H
	for i, e := range d.toc {
		d.font("", 12)
		d.color(black)
		label := fmt.Sprintf("%d.  %s", i+1, e.title)
		d.textAt(margin, y+12, label)
		num := strconv.Itoa(e.page)
		nw := d.measure(num)
		lw := d.measure(label)
		// Leaders fill the gap between the title and the page number,
		// measured in the font they are drawn in, with a gap at each end.
		d.color(muted)
		if n, x := leaders(margin+lw, w-margin-nw, d.measure(".")); n > 0 {
			d.textAt(x, y+12, strings.Repeat(".", n))
		}
		d.color(black)
		d.textAt(w-margin-nw, y+12, num)
		d.pdf.AddInternalLink(e.anchor, margin, y, w-2*margin, 16)
		y += 22
	}
}

// footers number every page but the cover.
func (d *doc) footers() {
	n := len(d.pages)
	last := d.pages[n-1].H
	for i := 2; i <= n; i++ {
		d.check(d.pdf.SetPage(i))
		p := d.pages[i-1]
		// gopdf flips y with the height of the page added last, not of the
		// page returned to: shift by the difference (landscape pages).
		off := last - p.H
		d.font("", 8)
		d.color(muted)
		d.stroke(line)
		d.pdf.SetLineWidth(0.5)
		d.pdf.Line(margin, p.H-38+off, p.W-margin, p.H-38+off)
		d.textAt(margin, p.H-26+off, "Threat model: "+d.title)
		s := fmt.Sprintf("Page %d of %d", i, n)
		sw := d.measure(s)
		d.textAt(p.W-margin-sw, p.H-26+off, s)
	}
}

// summaryBreaches is how many breaches the executive summary lists; the
// register lists them all.
const summaryBreaches = 20

func (d *doc) summary(r *analysis.Result, summaryOnly bool) {
	d.heading("Executive summary", 1)
	s := r.Summary
	verdict := "All open threats are within the risk appetite"
	if s.Breaches > 0 {
		verdict = fmt.Sprintf("%d open threat(s) exceed the risk appetite", s.Breaches)
	}
	app := "maximum residual severity " + string(r.Appetite.MaxSeverity)
	for _, k := range sortedKeys(r.Appetite.ByCategory) {
		app += "; " + k + ": " + string(r.Appetite.ByCategory[k])
	}
	if !r.Appetite.Declared {
		app += "; the model declares none, so the default applies"
	}
	d.para(verdict+" ("+app+").", "B", 11, black, 0)
	d.para(fmt.Sprintf("%d threats identified, %d open. %d expired acceptance(s), %d overdue action(s).",
		s.Threats, s.Open, s.ExpiredAcceptances, s.Overdue), "", 10, black, 0)
	for _, p := range r.Reviews { // the review deadlines due
		d.para("Review: "+p.Message+" ("+p.Pos.String()+").", "", 10, black, 0)
	}
	var rows [][]cell
	for _, sev := range []model.Severity{"critical", "high", "medium", "low"} {
		rows = append(rows, []cell{{text: string(sev), sev: sev}, {text: strconv.Itoa(s.BySeverity[sev])}, {text: strconv.Itoa(s.OpenBySeverity[sev])}})
	}
	rows = append(rows, []cell{{text: "total", bold: true}, {text: strconv.Itoa(s.Threats), bold: true}, {text: strconv.Itoa(s.Open), bold: true}})
	d.table("Threats by residual severity", []col{{"Severity", .3}, {"All", .2}, {"Open", .2}}, rows)
	rows = nil
	for _, st := range model.TreatmentStatus("").Values() {
		rows = append(rows, []cell{{text: st}, {text: strconv.Itoa(s.ByStatus[st])}})
	}
	d.table("Threats by treatment status", []col{{"Status", .3}, {"Threats", .2}}, rows)
	if len(s.Coverage) > 0 {
		rows = nil
		for _, c := range model.STRIDE("").Values() {
			if cov, ok := s.Coverage[model.STRIDE(c)]; ok {
				rows = append(rows, []cell{{text: c}, {text: strconv.Itoa(cov["open"])}, {text: strconv.Itoa(cov["mitigated"])}, {text: strconv.Itoa(cov["no-threat"])}})
			}
		}
		d.table("STRIDE per element: element and category pairs", []col{{"Category", .3}, {"Open", .15}, {"Mitigated", .15}, {"No threat found", .2}}, rows)
	}
	if b := r.Breaches(); len(b) > 0 {
		caption := "Open threats above the risk appetite"
		more := 0
		if len(b) > summaryBreaches {
			more = len(b) - summaryBreaches
			b = b[:summaryBreaches]
			caption = fmt.Sprintf("The %d highest open threats above the risk appetite", summaryBreaches)
		}
		rows = nil
		for _, f := range b {
			id := cell{text: f.ID, link: anchor(f.ID)}
			if summaryOnly {
				id.link = "" // the summary has no threat details to link to
			}
			rows = append(rows, []cell{id, {text: f.Title}, {text: string(f.Residual.Severity), sev: f.Residual.Severity},
				{text: string(f.Limit)}, {text: dash(f.Treatment.Owner)}})
		}
		d.table(caption, []col{{"Threat", .34}, {"Title", .34}, {"Residual", .11}, {"Appetite", .1}, {"Owner", .11}}, rows)
		if more > 0 {
			where := ": see the threat register"
			if summaryOnly {
				where = ""
			}
			d.para(fmt.Sprintf("…and %d more above the appetite%s.", more, where), "", 10, black, 0)
		}
	}
}

func (d *doc) heatmap(r *analysis.Result) {
	d.heading("Risk heatmap", 1)
	d.para("Open threats by residual likelihood (rows) and impact (columns). The cell colour is the severity band of the risk matrix.", "", 10, black, 0)
	d.heatGrid(r, r.Summary.Heatmap)
}

// categories writes the threats by methodology (STRIDE, LINDDUN): each
// one's categories with their appetite, the heatmap of its open threats
// and the element × category matrix.
func (d *doc) categories(r *analysis.Result) {
	secs := bycategory.Sections(r)
	if len(secs) == 0 {
		return
	}
	d.heading("Threats by category", 1)
	d.para("Threats by methodology: STRIDE for security, LINDDUN for privacy when the model holds personal data. Each methodology has its categories with their risk appetite, a heatmap of its open threats and a matrix of elements by category.", "", 10, black, 0)
	for _, s := range secs {
		d.heading(fmt.Sprintf("%s: %d threat(s), %d open", s.Name, s.Threats, s.Open), 2)
		rows := make([][]cell, 0, len(s.Categories))
		for _, c := range s.Categories {
			rows = append(rows, []cell{{text: c.Name, bold: true}, {text: strconv.Itoa(c.Threats)}, {text: strconv.Itoa(c.Open)}, {text: string(c.Limit), sev: c.Limit}})
		}
		d.table(s.Name+" categories and their appetite", []col{{"Category", .4}, {"Threats", .2}, {"Open", .2}, {"Appetite", .2}}, rows)
		d.ensure(5*46 + 60)
		d.para(s.Name+" open threats by residual likelihood (rows) and impact (columns).", "B", 9, black, 0)
		d.heatGrid(r, s.Heatmap)
		top, more := s.TopRows(bycategory.MatrixLimit)
		cols := []col{{"Element", .3}}
		for _, c := range s.Categories {
			cols = append(cols, col{c.Name, .7 / float64(len(s.Categories))})
		}
		rows = rows[:0]
		for _, row := range top {
			cells := []cell{{text: row.Element}}
			for _, n := range row.Counts {
				t := ""
				if n > 0 {
					t = strconv.Itoa(n)
				}
				cells = append(cells, cell{text: t})
			}
			rows = append(rows, cells)
		}
		d.table(s.Name+" matrix: threats by element and category", cols, rows)
		if more > 0 {
			d.para(fmt.Sprintf("…and %d more element(s) with fewer %s threats.", more, s.Name), "", 10, black, 0)
		}
	}
}

// heatGrid draws a likelihood × impact grid of counts at the current
// position, tinted by the risk matrix's bands.
func (d *doc) heatGrid(r *analysis.Result, counts [5][5]int) {
	const labelW, cw, ch = 110.0, 72.0, 46.0
	x0, y0 := margin+labelW, d.y+30
	d.font("B", 8)
	d.color(black)
	for i := 0; i < 5; i++ {
		d.textAt(x0+float64(i)*cw+4, y0-16, r.Matrix.ImpactNames[i])
		d.font("", 7)
		d.color(muted)
		d.textAt(x0+float64(i)*cw+4, y0-6, fmt.Sprintf("impact %d", i+1))
		d.font("B", 8)
		d.color(black)
	}
	for row := 0; row < 5; row++ {
		l := 5 - row
		y := y0 + float64(row)*ch
		d.font("B", 8)
		d.color(black)
		d.textAt(margin, y+ch/2, r.Matrix.LikelihoodNames[l-1])
		d.font("", 7)
		d.color(muted)
		d.textAt(margin, y+ch/2+10, fmt.Sprintf("likelihood %d", l))
		for i := 1; i <= 5; i++ {
			sev := r.Matrix.Bands[l-1][i-1]
			x := x0 + float64(i-1)*cw
			p := sevFill[sev]
			d.fill(p[0])
			d.stroke(white)
			d.pdf.SetLineWidth(2)
			d.pdf.RectFromUpperLeftWithStyle(x, y, cw, ch, "FD")
			n := counts[l-1][i-1]
			d.font("B", 14)
			if n == 0 {
				d.font("", 9)
			}
			d.color(darken(p[1]))
			s := strconv.Itoa(n)
			sw := d.measure(s)
			d.textAt(x+cw/2-sw/2, y+ch/2+5, s)
		}
	}
	d.y = y0 + 5*ch + 20
}

// diagram puts one diagram page on a page of its own; overview says it is
// the overview of a model drawn boundary by boundary.
func (d *doc) diagram(p picture, overview bool) {
	img := p.png
	d.newPage(true)
	anchor := fmt.Sprintf("sec-%d", len(d.toc)+1)
	d.pdf.SetAnchor(anchor)
	d.pdf.AddOutline(p.title)
	if p.first {
		// One contents line for all diagrams: a large model has dozens.
		d.toc = append(d.toc, tocEntry{title: "Data-flow diagram", page: len(d.pages), anchor: anchor})
	}
	d.font("B", 18)
	d.color(black)
	d.textAt(margin, d.y+18, p.title)
	d.y += 30
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		d.check(fmt.Errorf("diagram: %w", err))
		return
	}
	holder, err := gopdf.ImageHolderByBytes(img)
	if err != nil {
		d.check(fmt.Errorf("diagram: %w", err))
		return
	}
	maxW, maxH := d.w-2*margin, d.bottom()-d.y-24
	scale := min(maxW/float64(cfg.Width), maxH/float64(cfg.Height), 0.5) // PNG is 144 dpi: 0.5 keeps its natural size
	iw, ih := float64(cfg.Width)*scale, float64(cfg.Height)*scale
	d.check(d.pdf.ImageByHolder(holder, margin+(maxW-iw)/2, d.y, &gopdf.Rect{W: iw, H: ih}))
	d.y += ih + 8
	if overview {
		d.para("The model has too many components for one readable picture: each top-level trust boundary (dashed box) is drawn on the following pages, and arrows between boxes bundle the flows between them. Boxes and arrows are tinted by the highest residual severity of their open threats.", "I", 8, muted, 0)
		return
	}
	d.para("Processes are rounded boxes, data stores cylinders and external entities grey boxes, inside their trust boundaries (dashed). Elements are tinted by the highest residual severity of their open threats; dashed arrows are unencrypted flows.", "I", 8, muted, 0)
}

func (d *doc) register(fs []analysis.Finding) {
	d.heading("Threat register", 1)
	if len(fs) == 0 {
		d.para("No threats were identified.", "", 10, black, 0)
		return
	}
	var rows [][]cell
	for _, f := range fs {
		rows = append(rows, []cell{
			{text: f.ID, link: anchor(f.ID)}, {text: f.Title},
			{text: string(f.Inherent.Severity), sev: f.Inherent.Severity},
			{text: fmt.Sprintf("%s %d×%d", f.Residual.Severity, f.Residual.Likelihood, f.Residual.Impact), sev: f.Residual.Severity},
			{text: string(f.Treatment.Status) + flagIf(f.Breach, " (above appetite)")},
			{text: dash(f.Treatment.Owner)}, {text: dash(f.Treatment.Due)},
		})
	}
	d.table("Highest residual risk first", []col{{"ID", .27}, {"Threat", .25}, {"Inherent", .09}, {"Residual", .11},
		{"Status", .12}, {"Owner", .08}, {"Due", .08}}, rows)
}

// ruleGroup is one rule with the threats it found, riskiest first.
type ruleGroup struct {
	rule     string
	title    string
	findings []analysis.Finding
	breaches int
}

// byRule groups findings sorted by risk by their rule, in the order of each
// rule's riskiest threat; a hand-written threat is a group of its own.
func byRule(fs []analysis.Finding) []ruleGroup {
	var out []ruleGroup
	at := map[string]int{}
	for _, f := range fs {
		key := f.Rule
		if key == "" {
			key = f.ID
		}
		k, ok := at[key]
		if !ok {
			k = len(out)
			at[key] = k
			title := f.Title
			if rule, ok := builtin.Lookup(f.Rule); ok && rule.Title != "" {
				title = rule.Title
			}
			out = append(out, ruleGroup{rule: key, title: title})
		}
		out[k].findings = append(out[k].findings, f)
		if f.Breach {
			out[k].breaches++
		}
	}
	return out
}

// details explains each rule once, then lists the threats it found.
func (d *doc) details(groups []ruleGroup) {
	d.heading("Threat details by rule", 1)
	if len(groups) == 0 {
		d.para("No threats were identified.", "", 10, black, 0)
		return
	}
	for gi, g := range groups {
		first := g.findings[0]
		if gi > 0 {
			d.ensure(140)
			d.stroke(line)
			d.pdf.SetLineWidth(0.5)
			d.pdf.Line(margin, d.y, d.w-margin, d.y)
			d.y += 8
		} else {
			d.ensure(140)
		}
		// Severity tag of the riskiest threat, and the rule's title.
		p := sevFill[first.Residual.Severity]
		d.font("B", 8)
		tag := strings.ToUpper(string(first.Residual.Severity))
		tw := d.measure(tag)
		d.fill(p[0])
		d.pdf.RectFromUpperLeftWithStyle(margin, d.y, tw+8, 13, "F")
		d.color(darken(p[1]))
		d.textAt(margin+4, d.y+9.5, tag)
		d.font("B", 11)
		d.color(black)
		title := d.lines(g.title, d.w-2*margin-tw-16)
		for j, l := range title {
			d.textAt(margin+tw+14, d.y+10+float64(j)*14, l)
		}
		d.y += float64(len(title))*14 + 4
		count := fmt.Sprintf("%s · %d threat(s)", g.rule, len(g.findings))
		if g.breaches > 0 {
			count += fmt.Sprintf(", %d above appetite", g.breaches)
		}
		d.para(count, "", 8, muted, 0)
		d.facts([][2]string{{"Categories", categoryList(first)}, {"Controls", recommended(g.findings)}})
		if rule, ok := builtin.Lookup(first.Rule); ok {
			if rule.Why != "" {
				d.para("Why it matters", "B", bodySize, black, 0)
				d.para(rule.Why, "", bodySize, black, 0)
			}
			if rule.Mitigation != "" {
				d.para("How to fix it", "B", bodySize, black, 0)
				d.para(rule.Mitigation, "", bodySize, black, 0)
			}
		}
		d.refs(first)
		var rows [][]cell
		for _, f := range g.findings {
			what := f.ID + "\n" + f.Description
			if len(f.Data) > 0 {
				what += "\nData: " + strings.Join(f.Data, ", ")
			}
			if len(f.Factors) > 0 {
				what += "\n" + strings.Join(f.Factors, "; ")
			}
			rows = append(rows, []cell{
				{text: what, anchor: anchor(f.ID)},
				{text: fmt.Sprintf("%s %d×%d%s", f.Residual.Severity, f.Residual.Likelihood, f.Residual.Impact, flagIf(f.Breach, " above appetite")), sev: f.Residual.Severity},
				{text: strings.TrimSpace(treatment(f) + "\n" + controlStates(f))},
			})
		}
		d.table("", []col{{"Threat: what and where", 0.62}, {"Residual", 0.14}, {"Treatment", 0.24}}, rows)
	}
}

// recommended lists the controls the rule recommends, with their state on
// the threats that have them in place or planned.
func recommended(fs []analysis.Finding) string {
	var ids []string
	seen := map[string]bool{}
	for _, f := range fs {
		for _, id := range f.Mitigations {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id
		if c, ok := catalog.LookupControl(id); ok {
			names[i] = c.Name + " (" + id + ")"
		}
	}
	return strings.Join(names, ", ")
}

// ruleSummary is the executive summary's one line per rule.
func (d *doc) ruleSummary(groups []ruleGroup) {
	d.heading("Threats by rule", 1)
	if len(groups) == 0 {
		d.para("No threats were identified.", "", 10, black, 0)
		return
	}
	d.para("Every rule that found threats, the riskiest first. The full report lists each threat.", "", 10, black, 0)
	var rows [][]cell
	for _, g := range groups {
		fix := ""
		if rule, ok := builtin.Lookup(g.findings[0].Rule); ok {
			fix = rule.Mitigation
		}
		rows = append(rows, []cell{
			{text: g.title + "\n" + g.rule},
			{text: string(g.findings[0].Residual.Severity), sev: g.findings[0].Residual.Severity},
			{text: strconv.Itoa(len(g.findings))},
			{text: strconv.Itoa(g.breaches)},
			{text: fix},
		})
	}
	d.table("", []col{{"Rule", 0.28}, {"Highest residual", 0.12}, {"Threats", 0.09}, {"Above appetite", 0.11}, {"How to fix it", 0.40}}, rows)
}

func (d *doc) facts(facts [][2]string) {
	const labelW = 90.0
	for _, f := range facts {
		if f[1] == "" {
			continue
		}
		d.font("", bodySize)
		ls := d.lines(f[1], d.w-2*margin-labelW)
		lh := bodySize * lineFactor
		d.ensure(lh)
		d.font("B", bodySize)
		d.color(muted)
		d.textAt(margin, d.y+bodySize, f[0])
		d.font("", bodySize)
		d.color(black)
		for i, l := range ls {
			if i > 0 {
				d.ensure(lh)
			}
			d.textAt(margin+labelW, d.y+bodySize, l)
			d.y += lh
		}
	}
	d.y += 4
}

func (d *doc) refs(f analysis.Finding) {
	var refs []threats.Ref
	refs = append(append(append(refs, f.CWE...), f.CAPEC...), f.ATTACK...)
	if len(refs) == 0 {
		return
	}
	d.para("References", "B", bodySize, black, 0)
	lh := bodySize * lineFactor
	for _, r := range refs {
		label := r.ID
		if strings.HasPrefix(r.ID, "T") {
			label = "ATT&CK " + r.ID
		}
		d.font("", bodySize)
		d.ensure(lh)
		w := d.measure(label)
		d.color(accent)
		d.textAt(margin+8, d.y+bodySize, label)
		d.pdf.AddExternalLink(r.URL, margin+8, d.y, w, lh)
		if r.Name != "" {
			d.color(black)
			rest := d.lines(r.Name, d.w-2*margin-w-20)
			if len(rest) > 0 {
				d.textAt(margin+w+14, d.y+bodySize, rest[0])
			}
		}
		d.y += lh
	}
	d.y += 3
}

// summaryPaths is how many attack paths the executive summary lists, most
// likely first; the full report lists them all.
const summaryPaths = 20

// paths writes the attack-path section with at most limit paths, naming
// how many were left out.
func (d *doc) paths(r *analysis.Result, limit int) {
	d.heading("Attack paths", 1)
	if len(r.Paths) == 0 {
		d.para("No attack paths: no confidential or restricted data is reachable from an entry point.", "", 10, black, 0)
		return
	}
	d.para("The most likely route from an entry point to each confidential or restricted data asset, most likely first, with the open threats met on the way.", "", 10, black, 0)
	ix := r.Model.Index()
	shown := r.Paths[:min(limit, len(r.Paths))]
	for _, p := range shown {
		name := p.Data
		if dd := ix.Data[p.Data]; dd != nil && dd.Name != "" {
			name = dd.Name
		}
		d.ensure(60)
		d.para(fmt.Sprintf("Path %d: to %s (%s) at %s, likelihood %.0f%%", p.Rank, name, p.Classification, p.Target, p.Likelihood*100), "B", 10.5, black, 0)
		var steps []string
		for _, c := range p.Components {
			if cc := ix.Components[c]; cc != nil && cc.Name != "" {
				steps = append(steps, cc.Name)
			} else {
				steps = append(steps, c)
			}
		}
		d.para(strings.Join(steps, "  →  "), "", bodySize, black, 8)
		if len(p.Threats) > 0 {
			d.para("Open threats on the path: "+strings.Join(p.Threats, ", "), "", 8.5, muted, 8)
		} else {
			d.para("No open threats on this path.", "", 8.5, muted, 8)
		}
	}
	if left := len(r.Paths) - len(shown); left > 0 {
		d.para(fmt.Sprintf("…and %d less likely paths, listed in the full report and the JSON output.", left), "", 10, muted, 0)
	}
}

// trees writes the crown jewels' attack trees as indented outlines (see
// treeOutline).
func (d *doc) trees(trees, left []attacktree.Tree, summaryOnly bool) {
	d.heading("Attack trees", 1)
	for _, l := range treeOutline(trees, left, summaryOnly) {
		if l.head {
			d.ensure(50)
		}
		d.para(l.text, l.style, l.size, l.color, l.indent)
	}
}

// outlineLine is one paragraph of the attack-tree section.
type outlineLine struct {
	text, style  string
	size, indent float64
	color        rgb
	head         bool // a tree's heading: kept with what follows
}

// treeOutline lays the trees out as paragraphs: each tree's ways in and, in
// the full report, each way's steps with their threats (at most
// attacktree.ReportLeaves a step); what is cut is named.
func treeOutline(trees, left []attacktree.Tree, summaryOnly bool) []outlineLine {
	var out []outlineLine
	add := func(text, style string, size, indent float64, c rgb) {
		out = append(out, outlineLine{text: text, style: style, size: size, indent: indent, color: c})
	}
	if len(trees) == 0 {
		add("No attack trees: the model has no data assets.", "", 10, 0, black)
		return out
	}
	add("For each crown-jewel data asset, the ways an attacker reaches it from the entry points of the model, most likely first. "+
		"OR: any one branch is enough; AND: every step is needed. Each way follows the most likely path; the attacker gets into each "+
		"component on it by passing the flow's own controls or through one of the open threats there. "+
		"Likelihoods roll up as OR = 1 − ∏(1 − p) and AND = ∏p.", "", 10, 0, black)
	if summaryOnly {
		add("This summary lists the ways in; the full report shows the steps of each way and the threats on them.", "", 8.5, 0, muted)
	}
	for _, t := range trees {
		root := t.Root
		head := fmt.Sprintf("OR  %s: likelihood %s, %d way(s) in", root.Label, attacktree.Percent(root.Likelihood), len(root.Children))
		if root.Omitted > 0 {
			head += fmt.Sprintf("; %d less likely left out", root.Omitted)
		}
		add(head, "B", 10.5, 0, black)
		out[len(out)-1].head = true
		if len(root.Children) == 0 {
			add("No entry point reaches it through the modelled flows.", "", bodySize, 10, muted)
		}
		for _, w := range root.Children {
			add(fmt.Sprintf("AND  %s (%s)", w.Label, attacktree.Percent(w.Likelihood)), "B", bodySize, 10, black)
			if summaryOnly {
				continue
			}
			for _, s := range w.Children {
				add(fmt.Sprintf("OR  %s (%s)", s.Label, attacktree.Percent(s.Likelihood)), "", bodySize, 22, black)
				for i, l := range s.Children {
					if i == attacktree.ReportLeaves {
						add(fmt.Sprintf("%d less likely threat(s) left out", len(s.Children)-i), "I", 8.5, 34, muted)
						break
					}
					text := "• " + l.Label
					if l.Threat != "" {
						text += "  " + l.Threat
					}
					add(fmt.Sprintf("%s (%s)", text, attacktree.Percent(l.Likelihood)), "", 8.5, 34, muted)
				}
			}
		}
	}
	if len(left) > 0 {
		var names []string
		for _, t := range left {
			names = append(names, cmp.Or(t.Name, t.Asset))
		}
		add(fmt.Sprintf("The trees of %d less likely data assets are left out: %s. rampart attack-tree draws every tree.",
			len(left), strings.Join(names, ", ")), "", bodySize, 0, muted)
	}
	return out
}

func (d *doc) dataAssets(r *analysis.Result) {
	d.heading("Data assets", 1)
	held := map[string][]string{}
	for i := range r.Model.Components {
		c := &r.Model.Components[i]
		seen := map[string]bool{}
		for _, list := range [][]string{c.Stores, c.Processes} {
			for _, id := range list {
				if !seen[id] {
					seen[id] = true
					held[id] = append(held[id], c.ID)
				}
			}
		}
	}
	var rows [][]cell
	for _, a := range r.Model.Data {
		rows = append(rows, []cell{{text: a.ID, bold: true}, {text: dash(a.Name)}, {text: string(a.Classification)},
			{text: fmt.Sprintf("%s / %s / %s", dash(string(a.CIA.Confidentiality)), dash(string(a.CIA.Integrity)), dash(string(a.CIA.Availability)))},
			{text: yesNo(a.Personal)}, {text: strings.Join(held[a.ID], ", ")}})
	}
	d.table("Data asset inventory", []col{{"ID", .16}, {"Name", .24}, {"Classification", .13}, {"C / I / A", .17}, {"Personal", .08}, {"Held by", .22}}, rows)
}

func (d *doc) modelSummary(r *analysis.Result) {
	d.heading("Model summary", 1)
	c := r.Counts
	d.para(fmt.Sprintf("%d components, %d flows, %d data assets, %d trust boundaries, %d declared controls and %d register entries, from %s.",
		c.Components, c.Flows, c.Data, c.TrustBoundaries, c.Controls, c.Treatments, strings.Join(r.Files, ", ")), "", 10, black, 0)
	ix := r.Model.Index()
	var rows [][]cell
	for i := range r.Model.Components {
		cc := &r.Model.Components[i]
		rows = append(rows, []cell{{text: cc.ID, bold: true}, {text: dash(cc.Name)}, {text: string(cc.Type)}, {text: dash(cc.Technology)},
			{text: dash(ix.Parent[cc.ID])}, {text: yesNo(cc.InternetFacing)}, {text: strings.Join(cc.Controls, ", ")}})
	}
	d.table("Components", []col{{"ID", .15}, {"Name", .2}, {"Type", .13}, {"Technology", .11}, {"Trust boundary", .13}, {"Internet", .08}, {"Controls", .2}}, rows)
	if len(r.Model.TrustBoundaries) > 0 {
		rows = nil
		for i := range r.Model.TrustBoundaries {
			b := &r.Model.TrustBoundaries[i]
			rows = append(rows, []cell{{text: b.ID, bold: true}, {text: dash(b.Name)}, {text: string(b.Type)}, {text: dash(ix.Parent[b.ID])}})
		}
		d.table("Trust boundaries", []col{{"ID", .22}, {"Name", .34}, {"Type", .22}, {"Inside", .22}}, rows)
	}
	if len(r.Warnings) > 0 {
		d.heading("Warnings", 2)
		for _, w := range r.Warnings {
			d.para("• "+w.String(), "", 8.5, black, 0)
		}
	}
}

// --- helpers ---

func anchor(id string) string { return "t:" + id }

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func flagIf(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

// categoryList lists a finding's STRIDE categories, then its LINDDUN ones.
func categoryList(f analysis.Finding) string {
	out := make([]string, 0, len(f.STRIDE)+len(f.LINDDUN))
	for _, v := range f.STRIDE {
		out = append(out, string(v))
	}
	for _, c := range f.LINDDUN {
		out = append(out, "LINDDUN "+string(c))
	}
	return strings.Join(out, ", ")
}

func treatment(f analysis.Finding) string {
	t := f.Treatment
	parts := []string{string(t.Status)}
	if t.Source == "controls" {
		parts[0] += " by implemented controls"
	}
	if t.Owner != "" {
		parts = append(parts, "owner "+t.Owner)
	}
	if t.Due != "" {
		parts = append(parts, "due "+t.Due+flagIf(t.Overdue, " (overdue)"))
	}
	if t.AcceptedBy != "" {
		parts = append(parts, "accepted by "+t.AcceptedBy)
	}
	if t.Expires != "" {
		parts = append(parts, "expires "+t.Expires+flagIf(t.Expired, " (expired)"))
	}
	if t.TransferredTo != "" {
		parts = append(parts, "transferred to "+t.TransferredTo)
	}
	if t.Ticket != "" {
		parts = append(parts, "ticket "+t.Ticket)
	}
	s := strings.Join(parts, "; ")
	if t.Justification != "" {
		s += ". " + t.Justification
	}
	return s
}

// controlStates names the controls in place and planned on a threat's
// elements (the recommended ones are listed once per rule).
func controlStates(f analysis.Finding) string {
	names := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = id
			if c, ok := catalog.LookupControl(id); ok {
				out[i] = c.Name
			}
		}
		return strings.Join(out, ", ")
	}
	var parts []string
	if len(f.InPlace) > 0 {
		parts = append(parts, "in place: "+names(f.InPlace))
	}
	if len(f.Planned) > 0 {
		parts = append(parts, "planned: "+names(f.Planned))
	}
	return strings.Join(parts, "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
