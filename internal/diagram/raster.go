package diagram

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math"
	"strings"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz/gvc"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// maxPixels caps the size of a PNG: larger layouts are scaled down to fit.
const maxPixels = 40_000_000

// HTML-label font flags from Graphviz's textspan.h.
const (
	flagBold   = 1
	flagItalic = 2
)

// rasterizer is a Graphviz render engine that draws into an image with the
// Go fonts. It fills and strokes every shape the way Graphviz's own cairo
// renderer does, fits each text span into the width the layout gave it and
// paints a white page, so PNGs look like the SVGs.
type rasterizer struct {
	*gvc.DefaultRenderEngine
	dc    *gg.Context
	extra float64 // extra scale applied to keep the image under maxPixels
	fonts map[fontKey]font.Face
	ttf   [4]*truetype.Font
}

type fontKey struct {
	style int
	size  float64
}

func newRasterizer() (*rasterizer, error) {
	r := &rasterizer{DefaultRenderEngine: &gvc.DefaultRenderEngine{}, fonts: map[fontKey]font.Face{}}
	for i, data := range [][]byte{goregular.TTF, gobold.TTF, goitalic.TTF, gobolditalic.TTF} {
		f, err := truetype.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("diagram: parse embedded Go font: %w", err)
		}
		r.ttf[i] = f
	}
	return r, nil
}

func (r *rasterizer) sx(job *gvc.Job) float64 { return job.Scale().X() }
func (r *rasterizer) sy(job *gvc.Job) float64 { return job.Scale().Y() }

// BeginPage starts a white canvas of the job's size (scaled down if huge).
func (r *rasterizer) BeginPage(_ context.Context, job *gvc.Job) error {
	w, h := float64(job.Width()), float64(job.Height())
	r.extra = 1
	if w*h > maxPixels {
		r.extra = math.Sqrt(maxPixels / (w * h))
	}
	iw, ih := max(1, int(w*r.extra)), max(1, int(h*r.extra))
	dc := gg.NewContext(iw, ih)
	dc.SetRGB(1, 1, 1)
	dc.Clear()
	dc.Scale(r.extra, r.extra)
	t := job.Translation()
	dc.Translate(r.sx(job)*t.X(), r.sy(job)*-t.Y())
	r.dc = dc
	return nil
}

// EndPage encodes the canvas as PNG and hands it to Graphviz.
func (r *rasterizer) EndPage(_ context.Context, job *gvc.Job) error {
	if r.dc == nil {
		return fmt.Errorf("diagram: png page ended before it began")
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, r.dc.Image()); err != nil {
		return fmt.Errorf("diagram: encode png: %w", err)
	}
	job.SetOutputData(buf.Bytes())
	job.SetOutputDataPosition(uint(buf.Len()))
	r.dc = nil
	return nil
}

func setColor(dc *gg.Context, c *gvc.Color) bool {
	if c == nil {
		return false
	}
	v := c.RGBAUint()
	if v[3] == 0 {
		return false
	}
	dc.SetRGBA255(int(v[0]), int(v[1]), int(v[2]), int(v[3]))
	return true
}

// paint fills (when asked) and strokes the current path.
func (r *rasterizer) paint(job *gvc.Job, filled bool) {
	dc := r.dc
	o := job.Object()
	if filled && setColor(dc, o.FillColor()) {
		if o.Pen() != gvc.PenNone {
			dc.FillPreserve()
		} else {
			dc.Fill()
			return
		}
	}
	if o.Pen() == gvc.PenNone || !setColor(dc, o.PenColor()) {
		dc.ClearPath()
		return
	}
	sc := r.sx(job)
	dc.SetLineWidth(max(o.PenWidth(), 0.5) * sc)
	switch o.Pen() {
	case gvc.PenDashed:
		dc.SetDash(5*sc, 4*sc)
	case gvc.PenDotted:
		dc.SetDash(1.5*sc, 3*sc)
	default:
		dc.SetDash()
	}
	dc.Stroke()
	dc.SetDash()
}

func (r *rasterizer) path(job *gvc.Job, pts []*gvc.PointFloat, closed bool) {
	dc := r.dc
	dc.NewSubPath()
	for i, p := range pts {
		x, y := r.sx(job)*p.X(), r.sy(job)*-p.Y()
		if i == 0 {
			dc.MoveTo(x, y)
		} else {
			dc.LineTo(x, y)
		}
	}
	if closed {
		dc.ClosePath()
	}
}

// Polygon draws a polygon.
func (r *rasterizer) Polygon(_ context.Context, job *gvc.Job, pts []*gvc.PointFloat, filled bool) error {
	if r.dc == nil || len(pts) == 0 {
		return nil
	}
	r.path(job, pts, true)
	r.paint(job, filled)
	return nil
}

// Polyline draws an open line.
func (r *rasterizer) Polyline(_ context.Context, job *gvc.Job, pts []*gvc.PointFloat) error {
	if r.dc == nil || len(pts) == 0 {
		return nil
	}
	r.path(job, pts, false)
	r.paint(job, false)
	return nil
}

// Ellipse draws an ellipse given its centre and a corner of its bounding box.
func (r *rasterizer) Ellipse(_ context.Context, job *gvc.Job, pts []*gvc.PointFloat, filled bool) error {
	if r.dc == nil || len(pts) < 2 {
		return nil
	}
	cx, cy := r.sx(job)*pts[0].X(), r.sy(job)*-pts[0].Y()
	rx, ry := math.Abs(r.sx(job)*(pts[1].X()-pts[0].X())), math.Abs(r.sy(job)*(pts[1].Y()-pts[0].Y()))
	r.dc.NewSubPath()
	r.dc.DrawEllipse(cx, cy, rx, ry)
	r.paint(job, filled)
	return nil
}

// BezierCurve draws a cubic spline. Edges are never filled: only closed
// node shapes (cylinders) are.
func (r *rasterizer) BezierCurve(_ context.Context, job *gvc.Job, pts []*gvc.PointFloat, filled bool) error {
	if r.dc == nil || len(pts) == 0 {
		return nil
	}
	dc := r.dc
	sx, sy := r.sx(job), r.sy(job)
	dc.NewSubPath()
	dc.MoveTo(sx*pts[0].X(), sy*-pts[0].Y())
	for i := 1; i+2 < len(pts); i += 3 {
		dc.CubicTo(sx*pts[i].X(), sy*-pts[i].Y(), sx*pts[i+1].X(), sy*-pts[i+1].Y(), sx*pts[i+2].X(), sy*-pts[i+2].Y())
	}
	if job.Object().Type() == gvc.EdgeObjectType {
		filled = false
	}
	if filled {
		dc.ClosePath()
	}
	r.paint(job, filled)
	return nil
}

// TextSpan draws one run of text, shrinking it if the Go font is wider than
// the width Graphviz reserved for it.
func (r *rasterizer) TextSpan(_ context.Context, job *gvc.Job, p *gvc.PointFloat, span *gvc.TextSpan) error {
	if r.dc == nil {
		return nil
	}
	text := span.Text()
	if strings.TrimSpace(text) == "" {
		return nil
	}
	dc := r.dc
	if !setColor(dc, job.Object().PenColor()) {
		dc.SetRGB(0, 0, 0)
	}
	f := span.Font()
	style := 0
	size := 14.0
	if f != nil {
		name := strings.ToLower(f.Name())
		flags := f.Flags()
		if flags&flagBold != 0 || strings.Contains(name, "bold") {
			style |= 1
		}
		if flags&flagItalic != 0 || strings.Contains(name, "italic") || strings.Contains(name, "oblique") {
			style |= 2
		}
		size = f.Size()
	}
	sx := r.sx(job)
	px := size * sx
	face := r.face(style, px)
	dc.SetFontFace(face)
	w, _ := dc.MeasureString(text)
	if want := span.Size().X() * sx; want > 0 && w > want*1.02 {
		px *= want / w
		face = r.face(style, px)
		dc.SetFontFace(face)
		w, _ = dc.MeasureString(text)
	}
	x := sx * p.X()
	switch span.Just() {
	case 'r':
		x -= w
	case 'l':
	default:
		x -= w / 2
	}
	y := r.sy(job) * -(p.Y() + span.YOffsetCenterLine() + span.YOffsetLayout())
	dc.DrawString(text, x, y)
	return nil
}

func (r *rasterizer) face(style int, px float64) font.Face {
	k := fontKey{style: style, size: math.Round(px*4) / 4}
	if f, ok := r.fonts[k]; ok {
		return f
	}
	f := truetype.NewFace(r.ttf[style], &truetype.Options{Size: k.size, Hinting: font.HintingFull})
	r.fonts[k] = f
	return f
}
