package source

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestAliasBombStopsEarly checks that alias bombs are measured without
// being expanded (each node is visited once, however often it is aliased)
// and refused before decoding.
func TestAliasBombStopsEarly(t *testing.T) {
	for _, name := range []string{"alias-bomb", "merge-bomb"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			root := doc.Content[0]
			literal := literalSize(root)
			e := newExpansion(root, DefaultMaxExpansion)
			if got := e.size(root); got <= e.limit {
				t.Fatalf("expanded size %d is within the limit %d: not a bomb", got, e.limit)
			}
			if e.visited > literal {
				t.Errorf("measuring visited %d nodes, more than the %d nodes written: it expanded the aliases", e.visited, literal)
			}
			if e.at == nil || e.at.Line == 0 {
				t.Errorf("no position for the refusal")
			}
			if d := ParseYAML(name, data, Limits{}); d.Root != nil || len(d.Problems) != 1 || d.Problems[0].Code != CodeExpansion {
				t.Errorf("ParseYAML accepted the bomb or reported otherwise: %v", d.Problems)
			}
		})
	}
}
