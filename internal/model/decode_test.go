package model

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

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
		d := &decoder{file: "f.yaml", workers: workers}
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
