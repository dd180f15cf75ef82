package diagram

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func loadShop(t testing.TB) *model.Model {
	t.Helper()
	m, problems, err := model.Load(context.Background(), filepath.Join("testdata", "shop.yaml"), model.Options{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("testdata/shop.yaml is invalid: %v", errs)
	}
	return m
}

func shopSeverity() map[string]model.Severity {
	return map[string]model.Severity{"web": "critical", "api": "high", "db": "medium", "customer": "low", "web-api": "high"}
}

func TestDOTGolden(t *testing.T) {
	m := loadShop(t)
	tests := []struct {
		name string
		opts Options
	}{
		{"plain", Options{}},
		{"risk", Options{Severity: shopSeverity()}},
		{"highlight", Options{Severity: shopSeverity(), Highlight: []string{"customer", "web", "api", "db"}}},
		{"nolegend", Options{NoLegend: true, Title: "Custom title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DOT(m, tt.opts)
			again := DOT(m, tt.opts)
			if !bytes.Equal(got, again) {
				t.Fatal("DOT output differs between two runs")
			}
			golden := filepath.Join("testdata", tt.name+".dot")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("DOT differs from %s (run go test -update and review the diff)\n--- got ---\n%s", golden, got)
			}
		})
	}
}

func TestDOTContent(t *testing.T) {
	m := loadShop(t)
	tests := []struct {
		name    string
		opts    Options
		want    []string
		notWant []string
	}{
		{
			name: "shapes and boundaries",
			want: []string{
				`subgraph "cluster_cloud"`, `subgraph "cluster_dmz"`, `subgraph "cluster_private"`,
				`"db" [id="c-db", shape=cylinder`, `"customer" [id="c-customer", shape=box, style="filled"`,
				`"api" [id="c-api", shape=box, style="rounded,filled"`,
				`style="dashed,rounded"`, `rankdir=LR`, `cluster_legend`,
				`"psp" [id="c-psp", shape=box, style="filled,dotted"`,
			},
			notWant: []string{"RISK"},
		},
		{
			name: "unencrypted flow is dashed, tls is not",
			want: []string{`"web" -> "label:web-api" [id="f-web-api"`, `style=dashed, tooltip="web-api`, `style=solid, tooltip="api-db`},
		},
		{
			// web (dmz) -> api (private): the label is a node of cloud, which
			// holds both; customer (outside) -> web: a node outside every
			// boundary; api -> db, both in private: a label on the arrow.
			name: "a flow into another boundary runs through its label",
			want: []string{
				"  subgraph \"cluster_cloud\" {\n", "    subgraph \"cluster_dmz\" {\n",
				"\n    \"label:web-api\" [id=\"fl-web-api\", shape=plaintext, style=\"\", margin=0, fontsize=9, fontcolor=\"#111827\", tooltip=\"web-api: web → api\", label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\" BGCOLOR=\"white\"><TR><TD>HTTP &#183; jwt<BR/>",
				"\n  \"label:browse\" [id=\"fl-browse\"",
				`"web" -> "label:web-api" [id="f-web-api", color="#4b5563", penwidth=1.1, style=dashed, tooltip="web-api: web → api", arrowhead=none];`,
				`"label:web-api" -> "api" [id="fh-web-api", color="#4b5563", penwidth=1.1, style=dashed, tooltip="web-api: web → api"];`,
				`"api" -> "db" [id="f-api-db", label=<<TABLE`,
			},
			notWant: []string{`"label:api-db"`, `"web" -> "api"`},
		},
		{
			name: "severity tints",
			opts: Options{Severity: shopSeverity()},
			want: []string{`fillcolor="#fee2e2", color="#b91c1c"`, `CRITICAL RISK`, `fillcolor="#fef9c3"`, `[id="f-web-api", color="#c2410c", penwidth=1.8`},
		},
		{
			name: "highlight path",
			opts: Options{Highlight: []string{"customer", "web", "api"}},
			want: []string{`"web" -> "label:web-api" [id="f-web-api", color="#1d4ed8", penwidth=3.2`,
				`"label:web-api" -> "api" [id="fh-web-api", color="#1d4ed8", penwidth=3.2`,
				`"label:web-api" [id="fl-web-api", shape=plaintext, style="", margin=0, fontsize=9, fontcolor="#111827"`,
				`"f-api-db", label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2" BGCOLOR="white"><TR><TD>JDBC &#183; password<BR/>Customer accounts with a<BR/>rather long descriptive<BR/>name</TD></TR></TABLE>>, color="#9ca3af", fontcolor="#6b7280"`,
				`"web" -> "label:pay" [id="f-pay", color="#9ca3af"`,
				`"label:pay" [id="fl-pay", shape=plaintext, style="", margin=0, fontsize=9, fontcolor="#6b7280"`,
				`Highlighted path: Customer &#8594; Web shop front end served to customers over the internet &#8594; API`},
			notWant: []string{`[id="f-pay", color="#1d4ed8"`},
		},
		{
			name: "no legend and escaped title",
			opts: Options{NoLegend: true},
			want: []string{`Mini &quot;shop&quot; &lt;test&gt;`}, notWant: []string{"cluster_legend"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(DOT(m, tt.opts))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("DOT lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("DOT has %q", w)
				}
			}
		})
	}
}

func TestRenderSVGIsXML(t *testing.T) {
	m := loadShop(t)
	var buf bytes.Buffer
	if err := Render(context.Background(), m, Options{Severity: shopSeverity(), Highlight: []string{"web", "api"}}, FormatSVG, &buf); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.Strict = true
	var root string
	ids := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			for _, a := range se.Attr {
				if a.Name.Local == "id" {
					ids[a.Value] = true
				}
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element is %q, want svg", root)
	}
	for _, id := range []string{"c-web", "c-db", "f-web-api", "tb-dmz", "legend"} {
		if !ids[id] {
			t.Errorf("SVG has no element with id %q", id)
		}
	}
	if !strings.Contains(buf.String(), "Orders DB") {
		t.Error("SVG lacks the component name 'Orders DB'")
	}
}

func TestRenderPNGDecodes(t *testing.T) {
	m := loadShop(t)
	var buf bytes.Buffer
	if err := Render(context.Background(), m, Options{Severity: shopSeverity()}, FormatPNG, &buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 400 || b.Dy() < 150 {
		t.Fatalf("PNG is only %dx%d", b.Dx(), b.Dy())
	}
	// The page is white, lines and text are dark and the critical component is tinted red.
	if c := rgb(img, 1, 1); c != [3]uint32{255, 255, 255} {
		t.Errorf("corner pixel is %v, want white", c)
	}
	dark, critical := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := rgb(img, x, y)
			if c[0] < 90 && c[1] < 90 && c[2] < 90 {
				dark++
			}
			if c == [3]uint32{0xfe, 0xe2, 0xe2} {
				critical++
			}
		}
	}
	if dark < 500 {
		t.Errorf("only %d dark pixels: lines and text are missing", dark)
	}
	if critical < 100 {
		t.Errorf("only %d pixels in the critical tint", critical)
	}
}

func rgb(img image.Image, x, y int) [3]uint32 {
	r, g, b, _ := img.At(x, y).RGBA()
	return [3]uint32{r >> 8, g >> 8, b >> 8}
}

func TestRendererReuseAndErrors(t *testing.T) {
	ctx := context.Background()
	r, err := NewRenderer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m := loadShop(t)
	for i := 0; i < 2; i++ {
		var buf bytes.Buffer
		if err := r.Render(ctx, m, Options{}, FormatSVG, &buf); err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
	}
	if err := r.RenderDOT(ctx, []byte("digraph { a -> "), FormatSVG, io.Discard); err == nil {
		t.Error("broken DOT rendered without error")
	}
	if err := r.Render(ctx, m, Options{}, Format("gif"), io.Discard); err == nil {
		t.Error("unknown format rendered without error")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.RenderDOT(ctx, DOT(m, Options{}), FormatSVG, io.Discard); err == nil {
		t.Error("closed renderer rendered without error")
	}
}

func TestWrapQuoteHTML(t *testing.T) {
	wraps := []struct {
		in    string
		width int
		want  string
	}{
		{"", 10, ""},
		{"short", 10, "short"},
		{"a quick brown fox jumps", 10, "a quick\nbrown fox\njumps"},
		{"averyveryverylongword x", 5, "averyveryverylongword\nx"},
	}
	for _, tt := range wraps {
		if got := wrap(tt.in, tt.width); got != tt.want {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
	quotes := map[string]string{`a"b`: `"a\"b"`, `c\d`: `"c\\d"`, "e\nf": `"e\nf"`}
	for in, want := range quotes {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
	htmls := map[string]string{"a<b>&c": "a&lt;b&gt;&amp;c", "é": "&#233;", "x\ny": "x<BR/>y"}
	for in, want := range htmls {
		if got := html(in); got != want {
			t.Errorf("html(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestSeverityByElement(t *testing.T) {
	got := SeverityByElement(
		[][]string{{"a"}, {"a", "b"}, {"b"}, {"c"}},
		[]model.Severity{"low", "critical", "medium", "high"})
	want := map[string]model.Severity{"a": "critical", "b": "critical", "c": "high"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// bigModel builds a model of n components in nested trust boundaries, with
// chains of flows from external entities through processes to data stores.
func bigModel(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "big", Name: "Big system"}}
	m.Data = []model.DataAsset{{ID: "d", Name: "Customer data", Classification: "confidential"}}
	types := []model.ComponentType{"user", "web-application", "api", "service", "database"}
	for z := 0; z*50 < n; z++ {
		zone := fmt.Sprintf("zone-%d", z)
		m.TrustBoundaries = append(m.TrustBoundaries, model.TrustBoundary{ID: zone, Name: "Zone " + zone, Type: "network-segment"})
		if z > 0 && z%4 != 0 {
			parent := fmt.Sprintf("zone-%d", z-z%4)
			for i := range m.TrustBoundaries {
				if m.TrustBoundaries[i].ID == parent {
					m.TrustBoundaries[i].Contains = append(m.TrustBoundaries[i].Contains, zone)
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		c := model.Component{ID: fmt.Sprintf("c%04d", i), Name: fmt.Sprintf("Component number %d with a long name", i),
			Type: types[i%len(types)], Technology: "tech"}
		if c.Type != "user" {
			c.TrustBoundary = fmt.Sprintf("zone-%d", i/50)
		}
		m.Components = append(m.Components, c)
		if i%len(types) != 0 {
			m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%04d", i), From: fmt.Sprintf("c%04d", i-1), To: c.ID,
				Protocol: "https", DataSent: []string{"d"}})
		}
	}
	return m
}

func BenchmarkRenderSVG1000(b *testing.B) {
	ctx := context.Background()
	m := bigModel(1000)
	sev := map[string]model.Severity{}
	for i := range m.Components {
		sev[m.Components[i].ID] = model.Severity(model.Severity("").Values()[i%4])
	}
	r, err := NewRenderer(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := r.Render(ctx, m, Options{Severity: sev}, FormatSVG, &buf); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}

func BenchmarkRenderPNG1000(b *testing.B) {
	ctx := context.Background()
	m := bigModel(1000)
	r, err := NewRenderer(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := r.Render(ctx, m, Options{}, FormatPNG, &buf); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}

func BenchmarkDOT1000(b *testing.B) {
	m := bigModel(1000)
	for i := 0; i < b.N; i++ {
		if len(DOT(m, Options{})) == 0 {
			b.Fatal("empty DOT")
		}
	}
}

// Two renderers used at once must not corrupt each other: Graphviz's
// WebAssembly module is shared.
func TestConcurrentRenderers(t *testing.T) {
	ctx := context.Background()
	m := loadShop(t)
	want := DOT(m, Options{})
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			r, err := NewRenderer(ctx)
			if err != nil {
				errs <- err
				return
			}
			defer r.Close()
			for j := 0; j < 3; j++ {
				var buf bytes.Buffer
				if err := r.Render(ctx, m, Options{}, FormatSVG, &buf); err != nil {
					errs <- err
					return
				}
				if !bytes.Contains(buf.Bytes(), []byte("Orders DB")) {
					errs <- fmt.Errorf("render %d lacks a component", j)
					return
				}
			}
			errs <- nil
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if !bytes.Equal(DOT(m, Options{}), want) {
		t.Error("DOT changed")
	}
}

// TestApartLimit checks that the labels of flows into other boundaries are
// nodes of their own up to apartLimit such flows in a picture, and stay on
// the arrows past it.
func TestApartLimit(t *testing.T) {
	for _, tc := range []struct {
		flows     int
		wantNodes bool
	}{{1, true}, {apartLimit, true}, {apartLimit + 1, false}} {
		m := &model.Model{Rampart: 1, System: model.System{ID: "s", Name: "S"},
			Components:      []model.Component{{ID: "in", Type: "service"}, {ID: "out", Type: "service"}, {ID: "peer", Type: "service"}},
			TrustBoundaries: []model.TrustBoundary{{ID: "zone", Type: "network-segment", Contains: []string{"in", "peer"}}}}
		// A flow inside the boundary never has its label apart.
		m.Flows = append(m.Flows, model.Flow{ID: "inside", From: "in", To: "peer", Protocol: "https"})
		for i := range tc.flows {
			m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%d", i), From: "in", To: "out", Protocol: "https"})
		}
		dot := string(DOT(m, Options{}))
		if got := strings.Count(dot, `[id="fl-f`); tc.wantNodes && got != tc.flows || !tc.wantNodes && got != 0 {
			t.Errorf("%d flows out of the boundary: %d label nodes", tc.flows, got)
		}
		if !strings.Contains(dot, `"in" -> "peer" [id="f-inside", label=<`) {
			t.Errorf("%d flows out of the boundary: the flow inside it lost its label on the arrow", tc.flows)
		}
		if !tc.wantNodes && !strings.Contains(dot, `"in" -> "out" [id="f-f0", label=<`) {
			t.Errorf("%d flows out of the boundary: the first has no label on its arrow", tc.flows)
		}
	}
}
