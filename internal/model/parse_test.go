package model

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

// TestParseParallelMatchesSequential cuts files into many small chunks and
// checks that the joined tree equals the one parsed in one go, positions
// included.
func TestParseParallelMatchesSequential(t *testing.T) {
	inputs := map[string][]byte{"generated": genLargeModel(300, 600, 20, 30)}
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
	} {
		if got := parseParallel([]byte(data), 4, 1); got != nil {
			t.Errorf("%s: cut and parsed in parallel, want the sequential parser", name)
		}
	}
}

// TestParallelDecodeMatchesSequential decodes long lists with several
// workers and with one, including broken elements, and compares the model
// and the problems.
func TestParallelDecodeMatchesSequential(t *testing.T) {
	var b strings.Builder
	b.WriteString("rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n")
	for i := 0; i < parallelItems+500; i++ {
		switch i % 500 {
		case 7:
			b.WriteString("  - just-a-string\n")
		case 8:
			fmt.Fprintf(&b, "  - {id: c%d, type: webapp, colour: red}\n", i)
		case 9:
			b.WriteString("  -\n")
		default:
			fmt.Fprintf(&b, "  - {id: c%d, type: api, tags: [t%d]}\n", i, i)
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	decode := func(workers int) (*Model, Problems) {
		d := &decoder{file: "f.yaml", maxExpand: DefaultMaxExpansion, workers: workers}
		m := &Model{}
		d.decode(doc.Content[0], modelValue(m), keyPath{})
		d.problems.Sort()
		return m, d.problems
	}
	m1, p1 := decode(1)
	m2, p2 := decode(4)
	if len(p1) == 0 || p1.Error() != p2.Error() {
		t.Fatalf("problems differ:\n--- sequential\n%s\n--- parallel\n%s", p1.Error(), p2.Error())
	}
	if len(m1.Components) != len(m2.Components) || len(m1.Components) >= parallelItems+500 {
		t.Fatalf("kept %d components sequentially, %d in parallel", len(m1.Components), len(m2.Components))
	}
	for i := range m1.Components {
		a, c := m1.Components[i], m2.Components[i]
		if a.ID != c.ID || a.Type != c.Type || a.Pos != c.Pos || a.Path != c.Path || len(a.Tags) != len(c.Tags) {
			t.Fatalf("component %d differs: %+v vs %+v", i, a.Source, c.Source)
		}
	}
}
