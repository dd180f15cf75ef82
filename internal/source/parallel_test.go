package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// sameNodes reports the first difference between two node trees, or "".
func sameNodes(a, b *yaml.Node, path string) string {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style || a.Line != b.Line || a.Column != b.Column {
		return fmt.Sprintf("%s: got %v %s %q at %d:%d, want %v %s %q at %d:%d", path,
			a.Kind, a.Tag, a.Value, a.Line, a.Column, b.Kind, b.Tag, b.Value, b.Line, b.Column)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: got %d children, want %d", path, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := sameNodes(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// genLists writes a document with a header mapping and two long block lists
// of mappings holding scalars, flow lists and nested mappings, as models
// and the formats Rampart imports do.
func genLists(items, more int) []byte {
	var b strings.Builder
	b.WriteString("# generated\nrampart: 1\nsystem:\n  id: large\n  name: \"Large: system\"\n\n")
	b.WriteString("components:\n")
	for i := 0; i < items; i++ {
		fmt.Fprintf(&b, "  - id: c-%d\n    name: Component %d\n    tags: [a, b%d]\n    cia: {confidentiality: high}\n    notes: |\n      line one\n      line two\n", i, i, i)
		if i%50 == 0 {
			b.WriteString("    # a comment inside an item\n\n")
		}
	}
	b.WriteString("flows:\n")
	for i := 0; i < more; i++ {
		fmt.Fprintf(&b, "  - id: f-%d\n    from: c-%d\n    to: 'c-%d'\n    data_sent:\n      - d-%d\n      - d-%d\n", i, i%items, (i+1)%items, i, i+1)
	}
	return []byte(b.String())
}

// genMappings writes a document keeping its elements in long block mappings
// keyed by title, as Threagile files do.
func genMappings(n int) []byte {
	var b strings.Builder
	b.WriteString("threagile_version: 1.0.0\ntitle: Generated\ntechnical_assets:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  Asset %d:\n    id: asset-%d\n    description: \"asset: %d\"\n    tags: []\n    communication_links:\n      Call %d:\n        target: asset-%d\n        data_assets_sent: [d-%d]\n", i, i, i, i, i+1, i)
		if i%40 == 0 {
			b.WriteString("  # a comment between entries\n\n")
		}
	}
	b.WriteString("trust_boundaries:\n")
	for i := 0; i < n; i += 10 {
		fmt.Fprintf(&b, "  Zone %d:\n    id: zone-%d\n    technical_assets_inside: [asset-%d, asset-%d]\n", i, i, i, i+1)
	}
	return []byte(b.String())
}

// TestParseParallelMatchesSequential cuts files into many small chunks and
// checks that the joined tree equals the one parsed in one go, positions
// included.
func TestParseParallelMatchesSequential(t *testing.T) {
	inputs := map[string][]byte{"generated": genLists(300, 600), "mappings": genMappings(400)}
	paths, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*.yaml"))
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p)] = data
	}
	inputs["leading comments and blank lines"] = []byte("# head\n\nrampart: 1\n\nsystem:\n  id: s\n  name: S\n# between\ncomponents:\n  - id: a\n    type: api\n\n  # comment\n  - id: b\n    type: api\n  - id: c\n    type: api\n")
	inputs["unindented list"] = []byte("rampart: 1\ncomponents:\n- id: a\n  type: api\n- id: b\n  type: api\n")
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) {
			var want yaml.Node
			if err := yaml.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			for _, size := range []int{1, 64, 512, 4096} {
				got := parseParallel(data, 4, size)
				if got == nil {
					if name == "unindented list" || size > 64 {
						continue // not cut: "- " at column 0, or fits in one chunk
					}
					t.Fatalf("size %d: not parsed in parallel", size)
				}
				if name == "unindented list" {
					t.Fatal("a list at column 0 must not be cut")
				}
				if d := sameNodes(got, want.Content[0], ""); d != "" {
					t.Fatalf("size %d: %s", size, d)
				}
			}
		})
	}
}

func TestParseParallelRefuses(t *testing.T) {
	base := "rampart: 1\nsystem:\n  id: s\n  name: S\ncomponents:\n  - id: a\n    type: api\n  - id: b\n    type: api\n"
	for name, data := range map[string]string{
		"anchor":          base + "x: &a [1]\n",
		"alias":           base + "flows: *a\n",
		"tab":             strings.Replace(base, "  id: s", "\tid: s", 1),
		"document marker": base + "---\nrampart: 1\n",
		"quoted key":      base + "\"flows\": []\n",
		"syntax error":    base + "flows: [\n",
		"crlf":            strings.ReplaceAll(base, "\n", "\r\n"),
		"quoted entry":    "m:\n  a: 1\n  \"b\": 2\n  c: 3\n",
		"multi-line":      "m:\n  a: \"one\n  two: three\"\n  c: 3\n",
		"mixed":           "m:\n  a: 1\n  - b\n  c: 3\n",
	} {
		if got := parseParallel([]byte(data), 4, 1); got != nil {
			t.Errorf("%s: cut and parsed in parallel, want the sequential parser", name)
		}
	}
}
