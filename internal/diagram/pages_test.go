package diagram

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
)

func TestPagesSmallModelIsOnePicture(t *testing.T) {
	m := loadShop(t)
	pages := Pages(m, Options{})
	if len(pages) != 1 || pages[0].ID != "dfd" {
		t.Fatalf("pages of a small model: %+v", pages)
	}
	if !bytes.Equal(pages[0].DOT(), DOT(m, Options{})) {
		t.Error("the one page differs from the whole-model DOT")
	}
}

var nodeRe = regexp.MustCompile(`(?m)^\s+"(c[0-9]+)" \[id="c-`)

// TestPagesLargeModel checks the split of a model past DetailLimit: an
// overview of the top-level boundaries, one page per top-level boundary
// that draws exactly its components, and nothing drawn twice or lost.
func TestPagesLargeModel(t *testing.T) {
	m := bigModel(1200)
	pages := Pages(m, Options{})
	if pages[0].ID != "overview" {
		t.Fatalf("first page is %q, want overview", pages[0].ID)
	}
	ov := string(pages[0].DOT())
	if n := len(nodeRe.FindAllString(ov, -1)); n != 0 {
		t.Errorf("overview draws %d single components; the 240 users outside boundaries are more than %d and must be one group", n, overviewLooseLimit)
	}
	for _, want := range []string{`"g:zone-0" [id="g-zone-0"`, `"g:outside"`, "Trust boundary\\n(its own diagram)", "flows"} {
		if !strings.Contains(ov, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	seen := map[string]string{}
	for _, p := range pages[1:] {
		dot := string(p.DOT())
		ids := nodeRe.FindAllStringSubmatch(dot, -1)
		if len(ids) == 0 || len(ids) > DetailLimit {
			t.Errorf("page %s draws %d components", p.ID, len(ids))
		}
		if len(ids) != p.Components {
			t.Errorf("page %s says %d components, draws %d", p.ID, p.Components, len(ids))
		}
		for _, id := range ids {
			if prev, dup := seen[id[1]]; dup {
				t.Errorf("%s drawn on %s and %s", id[1], prev, p.ID)
			}
			seen[id[1]] = p.ID
		}
	}
	if len(seen) != len(m.Components) {
		t.Errorf("boundary pages draw %d of %d components", len(seen), len(m.Components))
	}
	// zone-4 nests zone-5..7: its page holds them as clusters.
	for _, p := range pages {
		if p.ID == "zone-4" && !strings.Contains(string(p.DOT()), `subgraph "cluster_zone-5"`) {
			t.Error("zone-4's page lacks its nested boundary zone-5")
		}
		if p.ID == "zone-5" {
			t.Error("nested boundary zone-5 has a page of its own")
		}
	}
}

func TestBoundaryPageStubs(t *testing.T) {
	m := bigModel(400)
	// A flow from zone-0 into zone-4 and one from a user outside.
	m.Flows = append(m.Flows, model.Flow{ID: "cross", From: "c0001", To: "c0201", Protocol: "http"})
	m.Reindex()
	var z0 string
	for _, p := range Pages(m, Options{Severity: map[string]model.Severity{"cross": "critical"}}) {
		if p.ID == "zone-0" {
			z0 = string(p.DOT())
		}
	}
	for _, want := range []string{`"stub:zone-4"`, `"c0001" -> "stub:zone-4"`, `"stub:outside" -> "c0001"`, `color="#b91c1c"`, "1 unencrypted"} {
		if !strings.Contains(z0, want) {
			t.Errorf("zone-0's page lacks %q", want)
		}
	}
}

// TestBoundaryPageBundlesManyStubArrows covers a boundary whose components
// each send flows to other boundaries: drawn one arrow per component, the
// hundreds of arrows into a few stub nodes made Graphviz take seconds a
// page (a minute for a 1,000-component report). Past stubArrowLimit the
// arrows leave the nested boundaries' borders instead, one per boundary and
// neighbour, and still count every flow.
func TestBoundaryPageBundlesManyStubArrows(t *testing.T) {
	m := bigModel(400)
	for i := range 200 { // zone-0 and its nested zone-1..3
		for _, to := range []int{200 + i%200, 200 + (i*7)%200} {
			m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("x%d-%d", i, to), From: fmt.Sprintf("c%04d", i), To: fmt.Sprintf("c%04d", to), Protocol: "https"})
		}
	}
	m.Reindex()
	var z0 string
	for _, p := range Pages(m, Options{}) {
		if p.ID == "zone-0" {
			z0 = string(p.DOT())
		}
	}
	// Bundled, the arrows have no labels (which would lie across the
	// page boundary's frame); each stub counts its flows, both ways.
	arrows := regexp.MustCompile(`(?m)^  "(c[0-9]+" -> "stub:[^"]+|stub:[^"]+" -> "c[0-9]+)" \[color=`).FindAllString(z0, -1)
	if len(arrows) == 0 || len(arrows) > stubArrowLimit {
		t.Fatalf("zone-0's page draws %d arrows to and from other boundaries, want 1 to %d", len(arrows), stubArrowLimit)
	}
	if strings.Contains(z0, `-> "stub:zone-4" [label=`) {
		t.Error("a bundled arrow has a label")
	}
	counted := 0
	for _, c := range regexp.MustCompile(`(?m)^  "stub:[^"]+" \[.*label=".*\\n(\d+) flows?"\];$`).FindAllStringSubmatch(z0, -1) {
		n := 0
		fmt.Sscan(c[1], &n)
		counted += n
	}
	on := map[string]bool{}
	for _, id := range nodeRe.FindAllStringSubmatch(z0, -1) {
		on[id[1]] = true
	}
	want := 0
	for _, f := range m.Flows {
		if on[f.From] != on[f.To] {
			want++
		}
	}
	if counted != want || want == 0 {
		t.Errorf("the stubs count %d flows, want %d", counted, want)
	}
	for _, want := range []string{`ltail="cluster_zone-0"`, `ltail="cluster_zone-1"`, "flow(s) between Zone zone-1 and zone-4"} {
		if !strings.Contains(z0, want) {
			t.Errorf("zone-0's page lacks %q", want)
		}
	}
}

// TestLargeModelRendersPromptly guards against the layout cliff: every
// page of a 1,200-component model lays out, in bounded time.
func TestLargeModelRendersPromptly(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a large model")
	}
	m := bigModel(1200)
	r, err := NewRenderer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	start := time.Now()
	for _, p := range Pages(m, Options{}) {
		var buf bytes.Buffer
		if err := r.RenderPage(context.Background(), p, FormatSVG, &buf); err != nil {
			t.Fatalf("page %s: %v", p.ID, err)
		}
		if !bytes.Contains(buf.Bytes(), []byte("<svg")) {
			t.Fatalf("page %s: no SVG", p.ID)
		}
	}
	if took := time.Since(start); took > 60*time.Second {
		t.Errorf("drawing %d components took %v", len(m.Components), took)
	}
}

func TestHighlightOnlyThePath(t *testing.T) {
	m := &model.Model{Rampart: 1, System: model.System{ID: "s"},
		Components: []model.Component{{ID: "a", Type: "user"}, {ID: "b", Type: "api"}, {ID: "c", Type: "database"}},
		Flows: []model.Flow{
			{ID: "ab", From: "a", To: "b", Protocol: "https"},
			{ID: "ba", From: "b", To: "a", Protocol: "https"},
			{ID: "bc", From: "b", To: "c", Protocol: "https"},
			{ID: "bc2", From: "b", To: "c", Protocol: "https"},
		}}
	tests := []struct {
		name      string
		highlight []string
		on, off   []string
	}{
		{"components: forward flows only", []string{"a", "b", "c"}, []string{"ab", "bc", "bc2"}, []string{"ba"}},
		{"flow ids: exactly those flows", []string{"a", "b", "c", "ab", "bc"}, []string{"ab", "bc"}, []string{"ba", "bc2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dot := string(DOT(m, Options{Highlight: tc.highlight}))
			for _, id := range tc.on {
				if !regexp.MustCompile(`id="f-` + id + `", label=.*?color="` + colHighlight + `"`).MatchString(dot) {
					t.Errorf("flow %s is not highlighted", id)
				}
			}
			for _, id := range tc.off {
				if regexp.MustCompile(`id="f-` + id + `", label=.*?color="` + colHighlight + `"`).MatchString(dot) {
					t.Errorf("flow %s is highlighted but not on the path", id)
				}
			}
			if !strings.Contains(dot, "Highlighted path: a &#8594; b &#8594; c") {
				t.Error("no caption naming the path")
			}
			if !strings.Contains(dot, "thick blue: the highlighted path") {
				t.Error("legend does not explain the highlight")
			}
		})
	}
	if c := fmt.Sprint(string(DOT(m, Options{Highlight: []string{"a", "b"}, Caption: "Attack path 1"}))); !strings.Contains(c, "Attack path 1") {
		t.Error("caption option ignored")
	}
}

// TestUniquePageIDs: page ids name files and anchors, so a boundary whose
// id is already a page's gets a numbered one.
func TestUniquePageIDs(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"overview", "zone-0", "outside"}, []string{"overview", "zone-0", "outside"}},
		{[]string{"overview", "overview", "outside"}, []string{"overview", "overview-2", "outside"}},
		{[]string{"overview", "a", "a-part-2", "a-part-2", "overview-2", "overview"}, []string{"overview", "a", "a-part-2", "a-part-2-2", "overview-2", "overview-3"}},
	}
	for _, tt := range tests {
		pages := make([]Page, len(tt.in))
		for i, id := range tt.in {
			pages[i].ID = id
		}
		uniqueIDs(pages)
		var got []string
		for _, p := range pages {
			got = append(got, p.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("uniqueIDs(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
