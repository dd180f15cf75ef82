package pdf

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/attacktree"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// outlineText writes an outline as text, each line indented by its indent
// in points / 4 and marked with its style, for the golden files.
func outlineText(lines []outlineLine) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s%-2s %s\n", strings.Repeat(" ", int(l.indent/4)), l.style, l.text)
	}
	return b.String()
}

// TestAttackTreeOutline compares the attack-tree section with reviewed
// golden outlines (go test -update rewrites them): the online shop's trees
// in full and in the summary, and a 400-component model with more crown
// jewels and ways than the report shows, naming what it leaves out.
func TestAttackTreeOutline(t *testing.T) {
	jewels := func() *analysis.Result {
		m := reporttest.Model(400)
		for i := range 12 {
			id := fmt.Sprintf("jewel-%02d", i)
			m.Data = append(m.Data, model.DataAsset{ID: id, Name: fmt.Sprintf("Jewel %d", i), Classification: "confidential",
				CIA: model.CIA{Confidentiality: "high"}})
			m.Components[5*i+4].Stores = append(m.Components[5*i+4].Stores, id)
		}
		m.Reindex()
		return analysis.Analyze(m, analysis.Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
	}
	tests := []struct {
		name    string
		result  func() *analysis.Result
		summary bool
		want    []string
	}{
		{"online-shop", func() *analysis.Result { return analyse(t, example) }, false, []string{"• Unguarded access from the internet"}},
		{"online-shop-summary", func() *analysis.Result { return analyse(t, example) }, true, []string{"This summary lists the ways in"}},
		{"many-jewels", jewels, false, []string{"less likely left out", "less likely threat(s) left out", "less likely data assets are left out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shown, left, err := attacktree.ForReport(tt.result())
			if err != nil {
				t.Fatal(err)
			}
			got := outlineText(treeOutline(shown, left, tt.summary))
			golden := filepath.Join("testdata", tt.name+".trees.golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./internal/report/pdf -run TestAttackTreeOutline -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("the attack-tree outline differs from %s (run with -update and review the diff)", golden)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("the outline lacks %q", w)
				}
			}
			if tt.summary && strings.Contains(got, "• ") {
				t.Error("the summary lists the threats of the steps")
			}
		})
	}
}

// TestPDFHasAttackTrees: the section is in the document with the trees'
// text (pdftotext reads the gate's two spaces as one).
func TestPDFHasAttackTrees(t *testing.T) {
	pdftotext := tool(t, "pdftotext")
	r := analyse(t, example)
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", writePDF(t, r, Options{NoDiagram: true}), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, w := range []string{"Attack trees ....", "OR Compromise Payment tokens (confidential)", "AND From payment-provider → shop-api"} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}
