package html

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
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

// manyJewels is a large model with more crown jewels than a report shows
// trees: 12 confidential assets, each stored by one database.
func manyJewels() *model.Model {
	m := reporttest.Model(400)
	for i := range 12 {
		id := fmt.Sprintf("jewel-%02d", i)
		m.Data = append(m.Data, model.DataAsset{ID: id, Name: fmt.Sprintf("Jewel %d", i), Classification: "confidential",
			CIA: model.CIA{Confidentiality: "high"}})
		c := &m.Components[5*i+4] // a database
		c.Stores = append(c.Stores, id)
	}
	return m
}

// TestAttackTreeSection compares the attack-tree section with reviewed
// golden files (go test -update rewrites them): the online shop's trees in
// full, and a large model's, bounded to attacktree.ReportTrees trees and
// attacktree.ReportLeaves threats a step, naming what is left out.
func TestAttackTreeSection(t *testing.T) {
	tests := []struct {
		name    string
		result  func() *analysis.Result
		summary bool
		want    []string
	}{
		{"online-shop", func() *analysis.Result { return analyse(t, example) }, false,
			[]string{`<a href="#t-`, "Compromise Payment tokens (confidential)"}},
		{"online-shop-summary", func() *analysis.Result { return analyse(t, example) }, true, nil},
		{"many-jewels", func() *analysis.Result {
			m := manyJewels()
			m.Reindex()
			return analysis.Analyze(m, analysis.Options{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
		}, false, []string{"less likely left out", "less likely data assets are left out"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.result()
			var buf bytes.Buffer
			if err := Write(context.Background(), &buf, r, Options{NoDiagram: true, Summary: tt.summary}); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			start := strings.Index(out, `<section id="trees"`)
			if start < 0 {
				t.Fatal("no attack-tree section")
			}
			sec := out[start:]
			sec = sec[:strings.Index(sec, "</section>")+len("</section>")] + "\n"
			golden := filepath.Join("testdata", tt.name+".trees.html.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(sec), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./internal/report/html -run TestAttackTreeSection -update writes it)", err)
			}
			if sec != string(want) {
				t.Errorf("the attack-tree section differs from %s (run with -update and review the diff)", golden)
			}
			for _, w := range tt.want {
				if !strings.Contains(sec, w) {
					t.Errorf("the section lacks %q", w)
				}
			}
			if tt.summary && strings.Contains(sec, `href="#t-`) {
				t.Error("the summary links to threat details it does not have")
			}
			// Every tree the code builds is shown or named as left out.
			shown, left, err := attacktree.ForReport(r)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(sec, `<article class="tree"`); n != len(shown) || n > attacktree.ReportTrees {
				t.Errorf("%d trees shown, want %d (at most %d)", n, len(shown), attacktree.ReportTrees)
			}
			for _, tr := range left {
				if !strings.Contains(sec, tr.Name) {
					t.Errorf("tree of %s neither shown nor named", tr.Asset)
				}
			}
		})
	}
}
