package threats

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestExprPos checks that CEL error locations map back onto the file for
// every scalar style.
func TestExprPos(t *testing.T) {
	tests := []struct {
		name, src  string
		line, col  int // CEL location: 1-based line, 0-based column
		wantL, wnC int
	}{
		{"plain", "condition: a && b = c\n", 1, 7, 1, 19},
		{"double quoted", "condition: \"a && b = c\"\n", 1, 7, 1, 20},
		{"single quoted", "condition: 'a && b'\n", 1, 5, 1, 18},
		{"literal", "condition: |\n  a\n    && b = c\n", 2, 7, 3, 10},
		{"literal first line", "condition: |\n  a = b\n", 1, 2, 2, 5},
		{"folded", "condition: >-\n  a &&\n  b = c\n", 1, 7, 3, 5},
		{"multi-line plain", "condition: a &&\n   b = c\n", 1, 7, 2, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.src), &doc); err != nil {
				t.Fatal(err)
			}
			n := doc.Content[0].Content[1]
			f := &ruleFile{name: "r.yaml", lines: strings.Split(tt.src, "\n")}
			got := f.exprPos(n, tt.line, tt.col)
			if got.Line != tt.wantL || got.Column != tt.wnC {
				t.Errorf("exprPos(%d, %d) in %q = %d:%d, want %d:%d", tt.line, tt.col, n.Value, got.Line, got.Column, tt.wantL, tt.wnC)
			}
		})
	}
}
