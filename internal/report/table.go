package report

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/bycategory"
)

// TableOptions tune the terminal table.
type TableOptions struct {
	// Color enables ANSI colours (only for terminals).
	Color bool
	// Width is the terminal's width in columns; 0 means no limit. The
	// title column, then the threat id, are shortened to fit.
	Width int
	// Wide shows every column whole whatever Width says.
	Wide bool
	// MinSeverity hides threats whose residual severity is lower.
	MinSeverity model.Severity
	// Status keeps only threats whose treatment status is listed.
	Status []model.TreatmentStatus
	// AboveAppetite keeps only the open threats above the risk appetite.
	AboveAppetite bool
}

// Keep reports whether the filters keep f.
func (o TableOptions) Keep(f *analysis.Finding) bool {
	if o.MinSeverity != "" && f.Residual.Severity.Rank() < o.MinSeverity.Rank() {
		return false
	}
	if len(o.Status) > 0 && !slices.Contains(o.Status, f.Treatment.Status) {
		return false
	}
	return !o.AboveAppetite || f.Breach
}

func (o TableOptions) filtered() bool {
	return o.MinSeverity != "" || len(o.Status) > 0 || o.AboveAppetite
}

var ansi = map[model.Severity]string{
	"critical": "\x1b[1;37;41m",
	"high":     "\x1b[1;31m",
	"medium":   "\x1b[33m",
	"low":      "\x1b[32m",
}

const ansiReset, ansiBold, ansiDim = "\x1b[0m", "\x1b[1m", "\x1b[2m"

// Markers in the status column, explained by the legend line.
const (
	markBreach   = "!"
	markExpired  = "(expired)"
	markOverlong = "(too long)"
)

// Table writes a readable summary for a terminal: the counts, the
// appetite and the review deadlines due (analysis.Result.Reviews), every threat the filters keep ordered by residual risk, a
// legend, the attack paths and the warnings.
func Table(w io.Writer, r *analysis.Result, opts TableOptions) error {
	paint := func(code, s string) string {
		if !opts.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}
	// fit wraps a line of prose to the terminal, indenting continuations.
	fit := func(line string, indent int) string {
		if opts.Width > 0 && !opts.Wide {
			return wrapText(line, opts.Width, indent)
		}
		return line
	}
	var b strings.Builder
	const title = "Rampart analysis of"
	head := fit(fmt.Sprintf("%s %s (%s), as of %s", title, r.System.Name, r.System.ID, r.AsOf), 2)
	fmt.Fprintf(&b, "%s%s\n", paint(ansiBold, title), strings.TrimPrefix(head, title))
	s := r.Summary
	var sev []string
	for _, name := range []model.Severity{"critical", "high", "medium", "low"} {
		sev = append(sev, fmt.Sprintf("%d %s", s.BySeverity[name], name))
	}
	fmt.Fprintf(&b, "%s\n", fit(fmt.Sprintf("%d threats (%s), %d open, %d mitigated by controls or treated", s.Threats, strings.Join(sev, ", "), s.Open, s.Threats-s.Open), 2))
	var methods []string
	for _, sec := range bycategory.Sections(r) {
		methods = append(methods, fmt.Sprintf("%s %d (%d open)", sec.Name, sec.Threats, sec.Open))
	}
	if len(methods) > 1 {
		fmt.Fprintf(&b, "%s\n", fit("by methodology: "+strings.Join(methods, ", "), 2))
	}
	limit := "max " + string(r.Appetite.MaxSeverity)
	if !r.Appetite.Declared {
		limit += ", default"
	}
	for _, c := range slices.Sorted(maps.Keys(r.Appetite.ByCategory)) {
		limit += fmt.Sprintf("; %s %s", c, r.Appetite.ByCategory[c])
	}
	if s.Breaches > 0 {
		fmt.Fprintf(&b, "%s\n", paintLines(paint, ansi["high"], fit(fmt.Sprintf("%d open threat(s) above the risk appetite (%s)", s.Breaches, limit), 2)))
	} else {
		fmt.Fprintf(&b, "%s\n", paintLines(paint, ansi["low"], fit(fmt.Sprintf("every open threat is within the risk appetite (%s)", limit), 2)))
	}
	for _, line := range governance(r) {
		fmt.Fprintf(&b, "%s\n", paintLines(paint, ansiDim, fit(line, 2)))
	}
	for _, p := range r.Reviews {
		fmt.Fprintf(&b, "%s\n", paintLines(paint, ansi["medium"], fit(p.Message, 2)))
	}
	var rows [][]string
	var sevs []model.Severity
	expired, overlong := false, false
	for _, f := range sorted(r) {
		if !opts.Keep(&f) {
			continue
		}
		status := string(f.Treatment.Status)
		if f.Treatment.Expired {
			status += " " + markExpired
			expired = true
		}
		if f.Treatment.Overlong {
			status += " " + markOverlong
			overlong = true
		}
		if f.Breach {
			status += " " + markBreach
		}
		where := f.Pos.File
		if f.Pos.Line > 0 {
			where = fmt.Sprintf("%s:%d", f.Pos.File, f.Pos.Line)
		}
		title := f.Title
		if n := len(f.Related); n > 0 {
			title += fmt.Sprintf(" (+%d of the same concern)", n)
		}
		rows = append(rows, []string{string(f.Residual.Severity), fmt.Sprintf("%d×%d", f.Residual.Likelihood, f.Residual.Impact),
			status, f.ID, title, where})
		sevs = append(sevs, f.Residual.Severity)
	}
	if opts.filtered() {
		fmt.Fprintf(&b, "%s\n", fit(fmt.Sprintf("showing %d of %d threats (%s)", len(rows), len(r.Findings), describeFilters(opts)), 2))
	}
	b.WriteString("\n")
	if len(rows) > 0 {
		header := []string{"SEVERITY", "L×I", "STATUS", "THREAT", "TITLE", "WHERE"}
		widths := columnWidths(header, rows, opts)
		writeRow(&b, header, widths, nil)
		for i, row := range rows {
			writeRow(&b, row, widths, func(col int, cell string) string {
				if col == 0 {
					return paint(ansi[sevs[i]], cell)
				}
				return cell
			})
		}
		legend := "L×I: residual likelihood × impact (1-5); " + markBreach + ": open and above the risk appetite"
		if expired {
			legend += "; " + markExpired + ": the acceptance expired, the threat counts as open again"
		}
		if overlong {
			legend += "; " + markOverlong + ": the acceptance runs longer than settings.max_acceptance_days allows, the threat counts as open"
		}
		fmt.Fprintf(&b, "%s\n", paintLines(paint, ansiDim, fit(legend, 2)))
	}
	if len(r.Paths) > 0 {
		fmt.Fprintf(&b, "\n%s\n", paint(ansiBold, "Attack paths to valuable data"))
		for _, p := range r.Paths {
			data := strings.Join(append([]string{p.Data}, p.OtherData...), ", ")
			fmt.Fprintf(&b, "%s\n", fit(fmt.Sprintf("%2d. %s (%s) via %s from %s: %s, likelihood %.2f, %d open threat(s) on the way", p.Rank, data, p.Classification,
				p.Target, p.Entry, strings.Join(p.Components, " -> "), p.Likelihood, len(p.Threats)), 4))
		}
	}
	if len(r.ModelWarnings) > 0 {
		fmt.Fprintf(&b, "\n%s\n", paint(ansiBold, "Model warnings (not threats)"))
		for _, mw := range r.ModelWarnings {
			line := fmt.Sprintf("%s: %s", mw.ID, mw.Description)
			if opts.Width > 0 && !opts.Wide {
				line = truncate(line, opts.Width)
			}
			fmt.Fprintln(&b, line)
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(&b, "\n%s\n", paint(ansiBold, "Warnings"))
		for _, wn := range r.Warnings {
			fmt.Fprintf(&b, "%s\n", paintLines(paint, ansiDim, fit(wn.String(), 2)))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func describeFilters(o TableOptions) string {
	var parts []string
	if o.MinSeverity != "" {
		parts = append(parts, "severity "+string(o.MinSeverity)+" or higher")
	}
	if len(o.Status) > 0 {
		var st []string
		for _, s := range o.Status {
			st = append(st, string(s))
		}
		parts = append(parts, "status "+strings.Join(st, " or "))
	}
	if o.AboveAppetite {
		parts = append(parts, "above the risk appetite")
	}
	return strings.Join(parts, ", ")
}

// paintLines colours every line of a wrapped text on its own, so that a
// terminal's colour never runs into the indentation or the next line.
func paintLines(paint func(code, s string) string, code, text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = paint(code, l)
	}
	return strings.Join(lines, "\n")
}

// Column layout: the gap between columns, and how narrow the title, threat
// and position columns may become before the title column is left out.
const (
	gap         = 2
	minTitle    = 12
	minThreatID = 24
	minWhere    = 16
)

// Table columns that give way when the table is too wide.
const (
	colThreat = 3
	colTitle  = 4
	colWhere  = 5
)

// columnWidths fits the columns to the width: the title column shrinks
// first, then the threat id; if the table is still too wide the title
// column is left out (width 0), the position shrinks from the left if it
// must, and the room left goes back to the position, then the threat id.
func columnWidths(header []string, rows [][]string, o TableOptions) []int {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = VisibleWidth(h)
	}
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], VisibleWidth(c))
		}
	}
	if o.Wide || o.Width <= 0 {
		return widths
	}
	natural := slices.Clone(widths)
	total := gap * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	shrink := func(col, least int) {
		if over := total - o.Width; over > 0 && widths[col] > least {
			cut := min(over, widths[col]-least)
			widths[col] -= cut
			total -= cut
		}
	}
	shrink(colTitle, minTitle)
	shrink(colThreat, minThreatID)
	if total > o.Width {
		total -= widths[colTitle] + gap
		widths[colTitle] = 0
		shrink(colWhere, minWhere)
		for _, col := range []int{colWhere, colThreat} {
			grow := min(max(o.Width-total, 0), natural[col]-widths[col])
			widths[col] += grow
			total += grow
		}
	}
	return widths
}

// writeRow writes cells padded to widths on their visible width (escape
// codes do not count), shortening cells that do not fit with an ellipsis
// and leaving out columns of width 0; paint colours a cell after padding.
func writeRow(b *strings.Builder, cells []string, widths []int, paint func(col int, cell string) string) {
	var line strings.Builder
	for i, c := range cells {
		if widths[i] == 0 {
			continue
		}
		if i == colWhere {
			c = truncateLeft(c, widths[i])
		} else {
			c = truncate(c, widths[i])
		}
		if i < len(cells)-1 {
			c += strings.Repeat(" ", widths[i]-VisibleWidth(c))
		}
		if paint != nil {
			c = paint(i, c)
		}
		line.WriteString(c)
		if i < len(cells)-1 {
			line.WriteString(strings.Repeat(" ", gap))
		}
	}
	b.WriteString(strings.TrimRight(line.String(), " "))
	b.WriteString("\n")
}

var escapeRE = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")

// VisibleWidth is the number of terminal columns s takes: ANSI escape
// sequences and combining marks take none, East Asian wide and fullwidth
// characters two, every other character one.
func VisibleWidth(s string) int {
	if strings.IndexByte(s, '\x1b') >= 0 {
		s = escapeRE.ReplaceAllString(s, "")
	}
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// runeWidth is how many terminal columns r takes.
func runeWidth(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// truncate shortens plain text s to width columns, ending it with "…".
func truncate(s string, width int) string {
	if VisibleWidth(s) <= width {
		return s
	}
	if width <= 1 {
		return "…"
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := runeWidth(r)
		if used+w > width-1 {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return b.String() + "…"
}

// truncateLeft shortens plain text s to width columns from the left,
// starting it with "…" (for file paths, whose end matters most).
func truncateLeft(s string, width int) string {
	if VisibleWidth(s) <= width {
		return s
	}
	if width <= 1 {
		return "…"
	}
	runes := []rune(s)
	used, i := 0, len(runes)
	for i > 0 && used+runeWidth(runes[i-1]) <= width-1 {
		i--
		used += runeWidth(runes[i])
	}
	return "…" + string(runes[i:])
}

// wrapText breaks plain text into lines of at most width columns at
// spaces, indenting every line after the first by indent columns; a word
// longer than a line stays whole. Width 0 leaves text as it is.
func wrapText(text string, width, indent int) string {
	if width <= 0 || VisibleWidth(text) <= width {
		return text
	}
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(text, " ") {
		w := VisibleWidth(word)
		if i > 0 {
			if line+1+w > width {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				line = indent
			} else {
				b.WriteString(" ")
				line++
			}
		}
		b.WriteString(word)
		line += w
	}
	return b.String()
}
