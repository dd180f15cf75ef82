package web

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/diagram"
	"github.com/rampart-sec/rampart/internal/diff"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// ModelLoader loads a pushed model version's source as the server does.
type ModelLoader func(ctx context.Context, name string, src []byte) (*model.Model, model.Problems, error)

// Analyzer analyses a loaded model version as the server does.
type Analyzer func(*model.Model) *analysis.Result

// storedResult is what the system page reads of a version's stored analysis.
type storedResult struct {
	Warnings model.Problems        `json:"warnings"`
	Findings []storedFinding       `json:"threats"`
	Paths    []analysis.AttackPath `json:"attack_paths"`
}

type storedFinding struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Targets  []string `json:"targets"`
	Residual struct {
		Severity model.Severity `json:"severity"`
	} `json:"residual"`
}

// elementThreats are one diagram element's threats, where its link leads.
type elementThreats struct {
	ID      string
	Threats []storedFinding
}

// diagramCache keeps the sanitised SVG of recent versions: a version never
// changes, so its drawing is made once.
type diagramCache struct {
	mu  sync.Mutex
	svg map[string]template.HTML
}

const diagramCacheSize = 64

func (c *diagramCache) get(key string) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.svg[key]
	return s, ok
}

func (c *diagramCache) put(key string, s template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.svg == nil || len(c.svg) >= diagramCacheSize {
		c.svg = map[string]template.HTML{}
	}
	c.svg[key] = s
}

// drawing returns the data-flow diagram of a stored version as inline SVG,
// each component and flow a link to its threats on the page.
func (u *UI) drawing(ctx context.Context, v store.ModelVersion, res storedResult) (template.HTML, error) {
	key := v.SystemID + "\x00" + v.Digest
	if s, ok := u.diagrams.get(key); ok {
		return s, nil
	}
	if u.opts.LoadModel == nil {
		return "", errors.New("no model loader")
	}
	m, _, err := u.opts.LoadModel(ctx, fmt.Sprintf("%s@%d.yaml", v.SystemID, v.Seq), v.Source)
	if err != nil {
		return "", fmt.Errorf("load %s version %d: %w", v.SystemID, v.Seq, err)
	}
	targets := make([][]string, len(res.Findings))
	sevs := make([]model.Severity, len(res.Findings))
	for i, f := range res.Findings {
		targets[i], sevs[i] = f.Targets, f.Residual.Severity
	}
	var raw bytes.Buffer
	if err := u.renderer.Render(ctx, m, diagram.Options{Severity: diagram.SeverityByElement(targets, sevs)}, diagram.FormatSVG, &raw); err != nil {
		return "", err
	}
	linked := map[string]bool{}
	for _, f := range res.Findings {
		for _, t := range f.Targets {
			linked[t] = true
		}
	}
	s, err := sanitizeSVG(&raw, func(id string) string {
		if linked[id] {
			return "#el-" + id
		}
		return ""
	})
	if err != nil {
		return "", fmt.Errorf("diagram of %s version %d: %w", v.SystemID, v.Seq, err)
	}
	u.diagrams.put(key, s)
	return s, nil
}

// svgElements and svgAttrs are what a drawing may hold: shapes, text,
// groups and titles with presentation attributes. Anything else (scripts,
// foreign objects, styles, event handlers, links of the drawing's own, any
// reference to another resource) is dropped.
var (
	svgElements = map[string]bool{"svg": true, "g": true, "title": true, "polygon": true, "polyline": true, "path": true,
		"ellipse": true, "circle": true, "rect": true, "line": true, "text": true, "tspan": true}
	svgAttrs = map[string]bool{"id": true, "class": true, "x": true, "y": true, "cx": true, "cy": true, "rx": true, "ry": true,
		"r": true, "x1": true, "y1": true, "x2": true, "y2": true, "points": true, "d": true, "fill": true, "stroke": true,
		"stroke-width": true, "stroke-dasharray": true, "fill-opacity": true, "stroke-opacity": true, "font-family": true,
		"font-size": true, "font-weight": true, "font-style": true, "text-anchor": true, "text-decoration": true,
		"transform": true, "viewBox": true}
)

// diagramElement returns the component or flow id an SVG id attribute
// names: "c-ID" for a component, "f-ID" for a flow's arrow, and "fh-ID" and
// "fl-ID" for the second part of an arrow drawn through its label and for
// that label (diagram.apartLabel).
func diagramElement(a xml.Attr) (string, bool) {
	if a.Name.Local != "id" {
		return "", false
	}
	for _, prefix := range []string{"c-", "f-", "fh-", "fl-"} {
		if id, ok := strings.CutPrefix(a.Value, prefix); ok {
			return id, true
		}
	}
	return "", false
}

// sanitizeSVG re-writes Graphviz SVG keeping only svgElements and svgAttrs,
// and wraps each component and flow group (diagramElement) whose element
// link names a target in a link to it.
func sanitizeSVG(r io.Reader, link func(id string) string) (template.HTML, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	var b strings.Builder
	depth := 0         // open kept elements
	skip := 0          // depth inside a dropped element
	var closers []bool // per open kept element: whether a link wraps it
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 || !svgElements[t.Name.Local] || (t.Name.Space != "" && t.Name.Space != "http://www.w3.org/2000/svg") {
				// A dropped element's children go too, except Graphviz's
				// tooltip anchors, whose content is the drawing itself.
				if skip > 0 || t.Name.Local != "a" {
					skip++
				}
				continue
			}
			wrap := ""
			if t.Name.Local == "g" {
				for _, a := range t.Attr {
					if id, ok := diagramElement(a); ok {
						wrap = link(id)
					}
				}
			}
			if wrap != "" {
				b.WriteString(`<a href="`)
				xml.EscapeText(&b, []byte(wrap))
				b.WriteString(`">`)
			}
			closers = append(closers, wrap != "")
			b.WriteString("<" + t.Name.Local)
			if t.Name.Local == "svg" {
				b.WriteString(` class="diagram" role="group" aria-labelledby="diagram-title"`)
			}
			for _, a := range t.Attr {
				if a.Name.Space != "" || !svgAttrs[a.Name.Local] || (t.Name.Local == "svg" && a.Name.Local == "class") {
					continue
				}
				if strings.Contains(strings.ToLower(a.Value), "url(") {
					continue
				}
				b.WriteString(" " + a.Name.Local + `="`)
				xml.EscapeText(&b, []byte(a.Value))
				b.WriteString(`"`)
			}
			b.WriteString(">")
			if t.Name.Local == "svg" {
				b.WriteString(`<title id="diagram-title">Data-flow diagram; each tinted element links to its threats</title>`)
			}
			depth++
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if !svgElements[t.Name.Local] {
				continue // the end of a tooltip anchor whose content was kept
			}
			depth--
			b.WriteString("</" + t.Name.Local + ">")
			if closers[len(closers)-1] {
				b.WriteString("</a>")
			}
			closers = closers[:len(closers)-1]
		case xml.CharData:
			if skip == 0 && depth > 0 {
				xml.EscapeText(&b, t)
			}
		}
	}
	if depth != 0 {
		return "", errors.New("unbalanced SVG")
	}
	return template.HTML(b.String()), nil // #nosec: every element and attribute written above is from the allow-lists, every value escaped
}

type versionDiff struct {
	System   store.System
	From, To int
	Versions []store.ModelVersion
	Report   *diff.Report
}

// versionsDiff compares two versions of a system: elements and flows
// added, removed or changed, threats new or gone and risk that moved.
func (u *UI) versionsDiff(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	sys, err := u.systemFor(r, p, r.PathValue("system"), rbac.ReadSystem)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	num := func(name string, def int) (int, error) {
		v := r.URL.Query().Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > sys.LatestVersion {
			return 0, fmt.Errorf("%w: %s %q: want a version from 1 to %d", register.ErrInvalid, name, v, sys.LatestVersion)
		}
		return n, nil
	}
	to, err := num("to", sys.LatestVersion)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	from, err := num("from", max(to-1, 1))
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	if sys.LatestVersion == 0 {
		u.failFor(w, r, fmt.Errorf("%w: %s has no model version yet", register.ErrInvalid, sys.ID))
		return
	}
	vs, err := u.reg.Store().ListModelVersions(r.Context(), sys.ID)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	before, err := u.analysisOf(r.Context(), sys.ID, from)
	if err == nil {
		var after *analysis.Result
		if after, err = u.analysisOf(r.Context(), sys.ID, to); err == nil {
			u.render(w, r, http.StatusOK, "diff", page{Title: fmt.Sprintf("%s: version %d against %d", sys.Name, to, from),
				Data: versionDiff{System: sys, From: from, To: to, Versions: vs, Report: diff.Compare(before, after)}})
			return
		}
	}
	u.failFor(w, r, err)
}

// analysisOf re-analyses a stored version, as the API's diff does, so the
// comparison covers the models themselves and not only the stored threats.
func (u *UI) analysisOf(ctx context.Context, systemID string, seq int) (*analysis.Result, error) {
	v, err := u.reg.Store().GetModelVersion(ctx, systemID, seq)
	if err != nil {
		return nil, err
	}
	if u.opts.LoadModel == nil {
		return nil, errors.New("no model loader")
	}
	m, problems, err := u.opts.LoadModel(ctx, fmt.Sprintf("%s@%d.yaml", systemID, seq), v.Source)
	if err != nil {
		return nil, err
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return nil, fmt.Errorf("%w: version %d no longer validates with this build: %v", register.ErrTransition, seq, errs)
	}
	if u.opts.Analyze != nil {
		return u.opts.Analyze(m), nil
	}
	return analysis.Analyze(m, analysis.Options{Now: u.opts.Now()}), nil
}

// systemModel fills the system page's diagram, element threats and attack
// paths from the latest version.
func (u *UI) systemModel(ctx context.Context, sp *systemPage, v store.ModelVersion) error {
	var res storedResult
	if err := json.Unmarshal(v.Result, &res); err != nil {
		return fmt.Errorf("read the analysis of %s version %d: %w", v.SystemID, v.Seq, err)
	}
	sp.Warnings, sp.Paths = res.Warnings, res.Paths
	by := map[string][]storedFinding{}
	for _, f := range res.Findings {
		for _, t := range f.Targets {
			by[t] = append(by[t], f)
		}
	}
	for id, fs := range by {
		sp.Elements = append(sp.Elements, elementThreats{ID: id, Threats: fs})
	}
	slices.SortFunc(sp.Elements, func(a, b elementThreats) int { return strings.Compare(a.ID, b.ID) })
	svg, err := u.drawing(ctx, v, res)
	if err != nil {
		// The page stays useful without its drawing.
		u.opts.Logger.Error("draw the data-flow diagram", "system", v.SystemID, "version", v.Seq, "err", err)
		sp.DiagramError = "The diagram could not be drawn."
		return nil
	}
	sp.Diagram = svg
	return nil
}
