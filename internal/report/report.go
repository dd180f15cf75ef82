// Package report writes analysis results for machines and people. Every
// output format (the terminal table, JSON, Markdown, SARIF 2.1.0, CSV, the
// HTML, PDF and XLSX documents and the data-flow diagram as SVG, PNG or DOT)
// is a Format in one registry: commands look formats up by name or by a file
// name's extension and write any of them the same way. Output is
// byte-identical for the same Result.
package report

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/model"
	htmlreport "github.com/rampart-sec/rampart/internal/report/html"
	pdfreport "github.com/rampart-sec/rampart/internal/report/pdf"
	xlsxreport "github.com/rampart-sec/rampart/internal/report/xlsx"
)

// Format is one output format of an analysis result.
type Format interface {
	// Name is the format's name as given to --format, e.g. "sarif".
	Name() string
	// Extensions are the file name extensions (without the dot) that
	// select the format; the first is the usual one.
	Extensions() []string
	// Binary reports whether the output is binary (never for a terminal).
	Binary() bool
	// Write renders r to w.
	Write(ctx context.Context, w io.Writer, r *analysis.Result, opts Options) error
}

// Options tune the formats that support them; the zero value is the
// default everywhere.
type Options struct {
	// Table tunes the terminal table.
	Table TableOptions
	// Highlight lists component and flow ids to highlight in diagrams.
	Highlight []string
	// NoRisk leaves diagrams untinted by residual risk.
	NoRisk bool
	// NoLegend leaves the diagram legend out.
	NoLegend bool
	// Summary writes the executive summary only (html and pdf).
	Summary bool
	// Detection, when set, adds the detection coverage of these Sigma rules
	// to the HTML report.
	Detection *Detection
	// Page, when set, is the one picture of the diagram formats to draw: a
	// page of DiagramPages (a large model's overview or one of its trust
	// boundaries). Unset, they draw the whole model as one picture.
	Page *diagram.Page
	// Renderer lays out diagrams; nil starts one for each write. Share one
	// when writing several pictures.
	Renderer *diagram.Renderer
}

// Detection is the Sigma rule set whose coverage of the modelled threats
// the HTML report shows.
type Detection = htmlreport.Detection

// Writer renders a result in one of the simple text formats.
type Writer func(w io.Writer, r *analysis.Result) error

// format is a Format made of its parts.
type format struct {
	name   string
	exts   []string
	binary bool
	write  func(ctx context.Context, w io.Writer, r *analysis.Result, opts Options) error
}

func (f *format) Name() string         { return f.name }
func (f *format) Extensions() []string { return f.exts }
func (f *format) Binary() bool         { return f.binary }
func (f *format) Write(ctx context.Context, w io.Writer, r *analysis.Result, opts Options) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.write(ctx, w, r, opts)
}

// text makes a Format of a simple text writer.
func text(name string, w Writer, exts ...string) *format {
	return &format{name: name, exts: exts, write: func(_ context.Context, out io.Writer, r *analysis.Result, _ Options) error {
		return w(out, r)
	}}
}

func init() {
	MustRegister(&format{name: "table", exts: []string{"txt"}, write: func(_ context.Context, w io.Writer, r *analysis.Result, o Options) error {
		return Table(w, r, o.Table)
	}})
	MustRegister(text("json", JSON, "json"))
	MustRegister(text("markdown", Markdown, "md", "markdown"))
	MustRegister(text("sarif", SARIF, "sarif", "sarif.json")) // the SARIF standard's two names
	MustRegister(text("csv", CSV, "csv"))
	MustRegister(&format{name: "html", exts: []string{"html", "htm"}, write: func(ctx context.Context, w io.Writer, r *analysis.Result, opts Options) error {
		return htmlreport.Write(ctx, w, r, htmlreport.Options{Summary: opts.Summary, Detection: opts.Detection})
	}})
	MustRegister(&format{name: "pdf", exts: []string{"pdf"}, binary: true, write: func(ctx context.Context, w io.Writer, r *analysis.Result, opts Options) error {
		return pdfreport.Write(ctx, w, r, pdfreport.Options{Summary: opts.Summary})
	}})
	MustRegister(&format{name: "xlsx", exts: []string{"xlsx"}, binary: true, write: func(_ context.Context, w io.Writer, r *analysis.Result, _ Options) error {
		return xlsxreport.Write(w, r)
	}})
	MustRegister(diagramFormat(diagram.FormatSVG, false, "svg"))
	MustRegister(diagramFormat(diagram.FormatPNG, true, "png"))
	MustRegister(diagramFormat(diagram.FormatDOT, false, "dot", "gv"))
}

// diagramFormat draws the result's data-flow diagram.
func diagramFormat(f diagram.Format, binary bool, exts ...string) *format {
	return &format{name: string(f), exts: exts, binary: binary, write: func(ctx context.Context, w io.Writer, r *analysis.Result, o Options) error {
		rd := o.Renderer
		if rd == nil {
			// Graphviz starts on the first picture drawn, never for DOT.
			var err error
			if rd, err = diagram.NewRenderer(ctx); err != nil {
				return err
			}
			defer rd.Close()
		}
		if o.Page != nil {
			return rd.RenderPage(ctx, *o.Page, f, w)
		}
		return rd.Render(ctx, r.Model, diagramOptions(r, o), f, w)
	}}
}

// diagramOptions are the diagram formats' options for a result.
func diagramOptions(r *analysis.Result, o Options) diagram.Options {
	opts := diagram.Options{Highlight: o.Highlight, NoLegend: o.NoLegend}
	if !o.NoRisk {
		opts.Severity = SeverityByElement(r)
	}
	return opts
}

// DiagramPages splits the result's diagram into the pictures that draw it
// readably (see diagram.Pages), drawn as the diagram formats draw them: one
// page for a model of up to diagram.DetailLimit components, else an
// overview and one page per top-level trust boundary. Pass a page as
// Options.Page to draw it.
func DiagramPages(r *analysis.Result, o Options) []diagram.Page {
	return diagram.Pages(r.Model, diagramOptions(r, o))
}

// SeverityByElement is the highest residual severity of the open threats
// on each element; treated threats do not tint the diagram.
func SeverityByElement(r *analysis.Result) map[string]model.Severity {
	var targets [][]string
	var sev []model.Severity
	for i := range r.Findings {
		f := &r.Findings[i]
		if !f.Treatment.Open() {
			continue
		}
		targets = append(targets, f.Targets)
		sev = append(sev, f.Residual.Severity)
	}
	return diagram.SeverityByElement(targets, sev)
}

// aliases are other names of formats accepted by Lookup.
var aliases = map[string]string{"text": "table", "md": "markdown", "htm": "html", "gv": "dot"}

var registry struct {
	sync.RWMutex
	byName map[string]Format
	byExt  map[string]Format
}

// MustRegister adds a format to the registry. A format without a name, or
// whose name or an extension is already taken, is a programming error and
// panics, so that it fails every test rather than shadowing another format.
func MustRegister(f Format) {
	registry.Lock()
	defer registry.Unlock()
	if registry.byName == nil {
		registry.byName, registry.byExt = map[string]Format{}, map[string]Format{}
	}
	name := f.Name()
	if name == "" || name != strings.ToLower(name) {
		panic(fmt.Sprintf("report: format name %q must be non-empty and lower case", name))
	}
	if _, dup := registry.byName[name]; dup {
		panic(fmt.Sprintf("report: format %q registered twice", name))
	}
	for _, ext := range f.Extensions() {
		if other, dup := registry.byExt[ext]; dup || ext == "" || strings.HasPrefix(ext, ".") {
			panic(fmt.Sprintf("report: extension %q of format %q is invalid or taken (by %v)", ext, name, other))
		}
	}
	registry.byName[name] = f
	for _, ext := range f.Extensions() {
		registry.byExt[ext] = f
	}
}

// Formats returns every registered format ordered by name.
func Formats() []Format {
	registry.RLock()
	defer registry.RUnlock()
	fs := make([]Format, 0, len(registry.byName))
	for _, f := range registry.byName {
		fs = append(fs, f)
	}
	slices.SortFunc(fs, func(a, b Format) int { return cmp.Compare(a.Name(), b.Name()) })
	return fs
}

// Names returns the names of every registered format, sorted.
func Names() []string {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name())
	}
	return names
}

// Lookup returns the format with this name (or alias); an unknown name is
// an error that lists the formats and suggests the nearest one.
func Lookup(name string) (Format, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[n]; ok {
		n = a
	}
	registry.RLock()
	f, ok := registry.byName[n]
	registry.RUnlock()
	if ok {
		return f, nil
	}
	msg := fmt.Sprintf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
	if s := model.Suggest(n, Names()); s != "" {
		msg += "; " + s
	}
	return nil, fmt.Errorf("%s", msg)
}

// ForPath returns the format a file name's extension selects; a two-part
// extension ("sarif.json") comes before its last part.
func ForPath(path string) (Format, error) {
	base := strings.ToLower(filepath.Base(path))
	ext := strings.TrimPrefix(filepath.Ext(base), ".")
	double := strings.TrimPrefix(filepath.Ext(strings.TrimSuffix(base, "."+ext)), ".")
	registry.RLock()
	f, ok := registry.byExt[double+"."+ext]
	if !ok || double == "" {
		f, ok = registry.byExt[ext]
	}
	registry.RUnlock()
	if ok && ext != "" {
		return f, nil
	}
	var exts []string
	for _, f := range Formats() {
		for _, e := range f.Extensions() {
			exts = append(exts, "."+e)
		}
	}
	return nil, fmt.Errorf("cannot tell the format from the name %q: name it with --format, or use a file name ending in one of %s",
		path, strings.Join(exts, ", "))
}

// sorted returns the findings ordered by residual risk, highest first.
func sorted(r *analysis.Result) []analysis.Finding {
	fs := append([]analysis.Finding(nil), r.Findings...)
	analysis.SortByRisk(fs)
	return fs
}

// strideList lists a finding's STRIDE categories, then its LINDDUN ones
// marked as such.
func strideList(f *analysis.Finding) string {
	parts := make([]string, 0, len(f.STRIDE)+len(f.LINDDUN))
	for _, s := range f.STRIDE {
		parts = append(parts, string(s))
	}
	for _, c := range f.LINDDUN {
		parts = append(parts, "LINDDUN "+string(c))
	}
	return strings.Join(parts, ", ")
}
