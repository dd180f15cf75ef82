package diagram

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// box is an axis-aligned rectangle of an SVG drawing.
type box struct{ x0, y0, x1, y1 float64 }

func (b box) overlaps(o box) bool { return b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0 }

func (b box) inside(o box) bool { return b.x0 >= o.x0 && b.x1 <= o.x1 && b.y0 >= o.y0 && b.y1 <= o.y1 }

// boundsOf is the box around the numbers of an SVG points or path
// attribute, read as x,y pairs.
func boundsOf(s string) (box, bool) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return !(r == '-' || r == '.' || r >= '0' && r <= '9') })
	b, n := box{}, 0
	for i := 0; i+1 < len(fields); i += 2 {
		x, errX := strconv.ParseFloat(fields[i], 64)
		y, errY := strconv.ParseFloat(fields[i+1], 64)
		if errX != nil || errY != nil {
			continue
		}
		if n == 0 {
			b = box{x, y, x, y}
		}
		b = box{min(b.x0, x), min(b.y0, y), max(b.x1, x), max(b.y1, y)}
		n++
	}
	return b, n > 1
}

// frame is a trust boundary as drawn: its frame and the boxes of its name.
type frame struct {
	id     string
	border box
	title  []box
}

// labelBox is the white ground of an arrow's label.
type labelBox struct {
	id string
	at box
}

// drawing reads the frames and the arrows' labels out of Graphviz SVG:
// groups of class "cluster", and the white grounds of the labels in groups
// of class "edge" and in label nodes ("fl-…").
func drawing(t *testing.T, svg []byte) ([]frame, []labelBox) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var frames []frame
	var labels []labelBox
	kind, id := "", ""
	depth, groupDepth := 0, 0
	attr := func(se xml.StartElement, name string) string {
		for _, a := range se.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG: %v", err)
		}
		switch se := tok.(type) {
		case xml.StartElement:
			depth++
			if se.Name.Local == "g" && kind == "" {
				switch c := attr(se, "class"); {
				case c == "cluster":
					kind, id, groupDepth = c, attr(se, "id"), depth
					frames = append(frames, frame{id: id})
				case c == "edge" || c == "node" && strings.HasPrefix(attr(se, "id"), "fl-"):
					kind, id, groupDepth = c, attr(se, "id"), depth
				}
				continue
			}
			switch {
			case kind == "cluster" && (se.Name.Local == "path" || se.Name.Local == "polygon") && frames[len(frames)-1].border == (box{}):
				b, _ := boundsOf(attr(se, "d") + attr(se, "points"))
				frames[len(frames)-1].border = b
			case kind == "cluster" && se.Name.Local == "text":
				x, _ := strconv.ParseFloat(attr(se, "x"), 64)
				y, _ := strconv.ParseFloat(attr(se, "y"), 64)
				size, _ := strconv.ParseFloat(attr(se, "font-size"), 64)
				var text string
				if err := dec.DecodeElement(&text, &se); err != nil {
					t.Fatal(err)
				}
				depth--
				// Helvetica averages about 0.55 em a character.
				f := &frames[len(frames)-1]
				f.title = append(f.title, box{x, y - size, x + 0.55*size*float64(len(text)), y + 2})
			case (kind == "edge" || kind == "node") && se.Name.Local == "polygon" && attr(se, "fill") == "white":
				if b, ok := boundsOf(attr(se, "points")); ok {
					labels = append(labels, labelBox{id: id, at: b})
				}
			}
		case xml.EndElement:
			if depth == groupDepth {
				kind = ""
			}
			depth--
		}
	}
	return frames, labels
}

// TestLabelsCrossNoFrame renders every example with the real Graphviz and
// checks that no arrow's label lies across a trust boundary's frame or on
// its name: a label is inside a frame or outside it.
func TestLabelsCrossNoFrame(t *testing.T) {
	r, err := NewRenderer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, path := range []string{"online-shop.yaml", "back-office.yaml", "hr-saas.yaml", "iot-telemetry/rampart.yaml", "rag-assistant/rampart.yaml"} {
		t.Run(path, func(t *testing.T) {
			m, problems, err := model.Load(context.Background(), filepath.Join("..", "..", "examples", path), model.Options{})
			if err != nil || len(problems.Errors()) > 0 {
				t.Fatalf("load: %v %v", err, problems.Errors())
			}
			var svg bytes.Buffer
			if err := r.Render(context.Background(), m, Options{}, FormatSVG, &svg); err != nil {
				t.Fatal(err)
			}
			frames, labels := drawing(t, svg.Bytes())
			if len(frames) != len(m.TrustBoundaries)+1 || len(labels) != len(m.Flows) {
				t.Fatalf("read %d frames of %d boundaries and the legend, and %d labels of %d flows: the SVG is not read as drawn",
					len(frames), len(m.TrustBoundaries), len(labels), len(m.Flows))
			}
			for _, l := range labels {
				for _, f := range frames {
					if f.id == "legend" {
						continue
					}
					if l.at.overlaps(f.border) && !l.at.inside(f.border) {
						t.Errorf("the label of %s lies across the frame of %s", l.id, f.id)
					}
					for _, title := range f.title {
						if l.at.overlaps(title) {
							t.Errorf("the label of %s lies on the name of %s", l.id, f.id)
						}
					}
				}
			}
		})
	}
}
