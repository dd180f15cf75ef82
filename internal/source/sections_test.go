package source

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestParseSectionsMatchesWhole cuts files into small pieces, joins the
// pieces of the streamed sections back as a reader would meet them, and
// requires the tree parsed in one go, positions included.
func TestParseSectionsMatchesWhole(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		keys []string
	}{
		{"mappings", genMappings(400), []string{"technical_assets", "trust_boundaries"}},
		{"one of two sections", genMappings(400), []string{"trust_boundaries"}},
		{"lists", genLists(300, 600), []string{"components", "flows"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want yaml.Node
			if err := yaml.Unmarshal(tc.data, &want); err != nil {
				t.Fatal(err)
			}
			for _, procs := range []int{1, 3} {
				root, rest := parseSections(tc.data, procs, 512, tc.keys)
				if root == nil {
					t.Fatalf("procs %d: not read in pieces", procs)
				}
				pieces := 0
				for _, k := range tc.keys {
					v := valueOf(root, k)
					more := len(valueOf(want.Content[0], k).Content) - len(v.Content)
					if v.Kind == yaml.MappingNode {
						more /= 2
					}
					if got := rest.Len(k); got != more {
						t.Errorf("procs %d: Len(%s) = %d, want %d", procs, k, got, more)
					}
					for p := range rest.More(k) {
						v.Content = append(v.Content, p.Content...)
						pieces++
					}
				}
				if pieces == 0 || !rest.Complete() {
					t.Fatalf("procs %d: %d pieces, complete %v", procs, pieces, rest.Complete())
				}
				if d := sameNodes(root, want.Content[0], ""); d != "" {
					t.Fatalf("procs %d: %s", procs, d)
				}
			}
		})
	}
}

// TestRestIncomplete checks that a piece that fails, a piece left unread
// and a reader stopping early all leave Rest incomplete, so that the reader
// starts over.
func TestRestIncomplete(t *testing.T) {
	keys := []string{"technical_assets"}
	data := genMappings(400)
	root, rest := parseSections(data, 2, 512, keys)
	if root == nil || rest.Complete() {
		t.Fatal("want pieces left to read")
	}
	for range rest.More("technical_assets") {
		break
	}
	if rest.Complete() {
		t.Error("stopping after the first piece: complete")
	}
	_, rest = parseSections(data, 2, 512, keys)
	rest.pieces["technical_assets"][3].text = []byte("  Asset x:\n    id: [\n")
	for range rest.More("technical_assets") {
	}
	if rest.Complete() {
		t.Error("a piece that does not parse: complete")
	}
	_, rest = parseSections(data, 2, 512, keys)
	rest.pieces["technical_assets"][3].text = []byte("    Asset x:\n      id: x\n")
	for range rest.More("technical_assets") {
	}
	if rest.Complete() {
		t.Error("a piece at another column: complete")
	}
	var none *Rest
	if !none.Complete() {
		t.Error("a nil Rest is complete")
	}
}

// TestParseSectionsRefuses checks the files that are parsed whole.
func TestParseSectionsRefuses(t *testing.T) {
	long := string(genMappings(100))
	for name, data := range map[string]string{
		"no streamed section long": "threagile_version: 1.0.0\ntechnical_assets:\n  A:\n    id: a\n",
		"key given twice":          long + "technical_assets:\n  B:\n    id: b\n",
		"anchor":                   long + "x: &a [1]\n",
	} {
		if root, rest := parseSections([]byte(data), 2, 512, []string{"technical_assets"}); root != nil || rest != nil {
			t.Errorf("%s: read in pieces", name)
		}
	}
}
