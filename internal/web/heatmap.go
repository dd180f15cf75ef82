package web

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// heatmap is the organisation's open risk on the 5×5 likelihood × impact
// matrix, drawn as SVG on the server (no script, no chart library).
type heatmap struct {
	Cells []heatCell
	Max   int
}

type heatCell struct {
	Likelihood, Impact, Count int
	X, Y                      int
	Fill, Text                string
}

// cell size and margin of the drawing, in SVG user units.
const (
	heatCellSize = 40
	heatMargin   = 30
)

func newHeatmap(counts [6][6]int) heatmap {
	h := heatmap{}
	for l := 1; l <= 5; l++ {
		for i := 1; i <= 5; i++ {
			h.Max = max(h.Max, counts[l][i])
		}
	}
	for l := 5; l >= 1; l-- {
		for i := 1; i <= 5; i++ {
			n := counts[l][i]
			c := heatCell{Likelihood: l, Impact: i, Count: n,
				X: heatMargin + (i-1)*heatCellSize, Y: (5 - l) * heatCellSize, Fill: "#f6f8fa", Text: "#1b1f24"}
			if n > 0 {
				// Darker red for more threats; white text once dark enough to keep contrast.
				shade := 1 + (n*4+h.Max-1)/h.Max // 2..5
				c.Fill = []string{"", "", "#f4b6b0", "#e8776d", "#c0392b", "#8e1b12"}[shade]
				if shade >= 4 {
					c.Text = "#ffffff"
				}
			}
			h.Cells = append(h.Cells, c)
		}
	}
	return h
}

var funcs = template.FuncMap{
	"sevclass": func(s model.Severity) string { return "sev-" + string(s) },
	"join":     func(ss []string) string { return strings.Join(ss, ", ") },
	"add":      func(a, b int) int { return a + b },
	"heatlabel": func(c heatCell) string {
		return fmt.Sprintf("likelihood %d, impact %d: %d open threats", c.Likelihood, c.Impact, c.Count)
	},
}
