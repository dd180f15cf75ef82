package diagram

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz"
	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz/gvc"

	"github.com/rampart-sec/rampart/internal/model"
)

// Format is an output format of the diagram.
type Format string

// Output formats.
const (
	FormatDOT Format = "dot"
	FormatSVG Format = "svg"
	FormatPNG Format = "png"
)

// Formats lists the formats Render writes.
func Formats() []Format { return []Format{FormatSVG, FormatPNG, FormatDOT} }

// pngDPI is the resolution of PNG output: crisp on high-density screens.
const pngDPI = 144

// Renderer lays out and renders diagrams with an embedded Graphviz. Creating
// one costs nothing: Graphviz's WebAssembly module is compiled (or loaded
// from the user's cache) the first time a diagram is drawn in the process,
// so commands that draw nothing never pay for it. A Renderer is safe for
// concurrent use; renders are serialised.
type Renderer struct {
	gv     *graphviz.Graphviz
	gen    int // engine generation gv belongs to
	closed bool
}

// gvMu serialises every call into Graphviz: go-graphviz runs all instances
// in one shared WebAssembly module, which is not safe for concurrent use.
var gvMu sync.Mutex

// NewRenderer returns a renderer; Graphviz starts when it first draws.
func NewRenderer(ctx context.Context) (*Renderer, error) {
	return &Renderer{}, nil
}

// start makes sure the Graphviz module is loaded and r has an instance in
// it. gvMu must be held. A render abandoned when its context ended closes
// the module; the next render loads it again.
func (r *Renderer) start(ctx context.Context) error {
	gen, err := engine.load(ctx)
	if err != nil {
		return err
	}
	if r.gv != nil && r.gen == gen {
		return nil
	}
	r.gv = nil
	raster, err := newRasterizer()
	if err != nil {
		return err
	}
	rp, err := gvc.NewRenderPlugin(ctx, "png", raster)
	if err != nil {
		return fmt.Errorf("diagram: start graphviz png renderer: %w", err)
	}
	dp, err := gvc.PNGDevicePlugin(ctx)
	if err != nil {
		return fmt.Errorf("diagram: start graphviz png device: %w", err)
	}
	// The JPEG and image-loading plugins are registered too: Graphviz's
	// plugin table needs the full set go-graphviz ships.
	jr, err := gvc.JPGRenderPlugin(ctx)
	if err != nil {
		return fmt.Errorf("diagram: start graphviz: %w", err)
	}
	jd, err := gvc.JPGDevicePlugin(ctx)
	if err != nil {
		return fmt.Errorf("diagram: start graphviz: %w", err)
	}
	li, err := gvc.PNGLoadImagePlugin(ctx, rp.RenderEngine())
	if err != nil {
		return fmt.Errorf("diagram: start graphviz: %w", err)
	}
	gv, err := graphviz.NewWithPlugins(ctx, rp, dp, jr, jd, li)
	if err != nil {
		return fmt.Errorf("diagram: start graphviz: %w", err)
	}
	r.gv, r.gen = gv, gen
	return nil
}

// Close releases the renderer's Graphviz instance.
func (r *Renderer) Close() error {
	gvMu.Lock()
	defer gvMu.Unlock()
	r.closed = true
	if r.gv == nil || r.gen != engine.gen || !graphviz.Loaded() {
		r.gv = nil
		return nil
	}
	// Graphviz reports at close how many errors it met over its lifetime
	// (e.g. DOT that failed to parse, already returned to the caller then),
	// so its status says nothing about the close itself.
	if err := r.gv.Close(); err != nil {
		slog.Debug("graphviz closed after earlier errors", "err", err)
	}
	r.gv = nil
	return nil
}

// Render draws the model's diagram in the given format to w.
func (r *Renderer) Render(ctx context.Context, m *model.Model, opts Options, format Format, w io.Writer) error {
	switch format {
	case FormatDOT:
		_, err := io.WriteString(w, build(m, opts, ""))
		if err != nil {
			return fmt.Errorf("diagram: write dot: %w", err)
		}
		return nil
	case FormatSVG:
		return r.RenderDOT(ctx, []byte(build(m, opts, "")), FormatSVG, w)
	case FormatPNG:
		return r.RenderDOT(ctx, []byte(build(m, opts, fmt.Sprintf("dpi=%d", pngDPI))), FormatPNG, w)
	}
	return fmt.Errorf("diagram: unknown format %q (want svg, png or dot)", format)
}

// RenderPage draws one page of Pages in the given format to w.
func (r *Renderer) RenderPage(ctx context.Context, p Page, format Format, w io.Writer) error {
	switch format {
	case FormatDOT:
		if _, err := io.WriteString(w, p.dot("")); err != nil {
			return fmt.Errorf("diagram: write dot: %w", err)
		}
		return nil
	case FormatSVG:
		return r.RenderDOT(ctx, []byte(p.dot("")), FormatSVG, w)
	case FormatPNG:
		return r.RenderDOT(ctx, []byte(p.dot(fmt.Sprintf("dpi=%d", pngDPI))), FormatPNG, w)
	}
	return fmt.Errorf("diagram: unknown format %q (want svg, png or dot)", format)
}

// RenderDOT lays out DOT source and renders it as SVG or PNG.
func (r *Renderer) RenderDOT(ctx context.Context, dot []byte, format Format, w io.Writer) error {
	if format != FormatSVG && format != FormatPNG {
		return fmt.Errorf("diagram: graphviz renders svg or png, not %q", format)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	gvMu.Lock()
	defer gvMu.Unlock()
	if r.closed {
		return fmt.Errorf("diagram: renderer is closed")
	}
	buf, err := r.layout(ctx, dot, format)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			// The module was closed mid-call; the next render starts a new one.
			return fmt.Errorf("diagram: render %s abandoned: %w", format, cerr)
		}
		return err
	}
	if buf.Len() == 0 {
		return fmt.Errorf("diagram: graphviz produced no %s output", format)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("diagram: write %s: %w", format, err)
	}
	return nil
}

// layout parses, lays out and renders dot. gvMu must be held. A panic in
// the bindings (they panic on some errors inside callbacks) is an error.
func (r *Renderer) layout(ctx context.Context, dot []byte, format Format) (buf *bytes.Buffer, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("diagram: graphviz failed: %v", p)
			engine.discard(ctx)
		}
	}()
	if err := r.start(ctx); err != nil {
		return nil, err
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("diagram: parse dot: %w", err)
	}
	defer g.Close()
	buf = new(bytes.Buffer)
	if err := r.gv.Render(ctx, g, graphviz.Format(format), buf); err != nil {
		return nil, fmt.Errorf("diagram: render %s: %w", format, err)
	}
	return buf, nil
}

// Render draws one diagram with a fresh Renderer; prefer a shared Renderer
// when drawing several.
func Render(ctx context.Context, m *model.Model, opts Options, format Format, w io.Writer) error {
	if format == FormatDOT {
		_, err := w.Write(DOT(m, opts))
		if err != nil {
			return fmt.Errorf("diagram: write dot: %w", err)
		}
		return nil
	}
	r, err := NewRenderer(ctx)
	if err != nil {
		return err
	}
	err = r.Render(ctx, m, opts, format, w)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}
