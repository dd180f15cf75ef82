package model

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/rampart-sec/rampart/internal/source"
)

// sectionCases change a large generated model at a late element, which lies
// in a piece parsed on its own.
var sectionCases = []struct {
	name     string
	old, new string
}{
	{name: "plain"},
	{name: "unknown key late", old: "  - id: c-2900\n", new: "  - id: c-2900\n    colour: blue\n"},
	{name: "id repeated late", old: "  - id: c-2900\n", new: "  - id: c-3\n"},
	{name: "not a mapping late", old: "  - id: c-2900\n", new: "  - just-a-string\n  - id: c-2900\n"},
	{name: "bad reference late", old: "    from: c-2900\n", new: "    from: c-nowhere\n"},
	{name: "syntax error late", old: "    name: Component 2900\n", new: "    name: [Component 2900\n"},
	{name: "item indented deeper", old: "  - id: c-2900\n    name: Component 2900\n", new: "   - id: c-2900\n     name: Component 2900\n"},
}

// TestSectionsLoadLikeWhole loads large models section piece by section
// piece and whole, and requires the same model and problems (key paths of
// late elements included).
func TestSectionsLoadLikeWhole(t *testing.T) {
	base := genLargeModel(3000, 4000, 20, 50)
	if _, rest := source.ParseYAMLSections("big.yaml", base, source.Limits{}, streamed...); rest == nil {
		t.Fatal("the generated model is not read in pieces, so this test would compare a reading with itself")
	}
	for _, tc := range sectionCases {
		t.Run(tc.name, func(t *testing.T) {
			data := base
			if tc.old != "" {
				if bytes.Count(base, []byte(tc.old)) != 1 {
					t.Fatalf("%q is not once in the file", tc.old)
				}
				data = bytes.Replace(base, []byte(tc.old), []byte(tc.new), 1)
			}
			ctx := context.Background()
			m, problems, err := load(ctx, "big.yaml", data, Options{}, false)
			if err != nil {
				t.Fatal(err)
			}
			w, wp, err := load(ctx, "big.yaml", data, Options{}, true)
			if err != nil {
				t.Fatal(err)
			}
			if problems.Error() != wp.Error() {
				t.Errorf("problems differ\n got: %s\nwant: %s", problems.Error(), wp.Error())
			}
			if (tc.name == "plain") != (len(problems) == 0) {
				t.Errorf("%d problems", len(problems))
			}
			if !reflect.DeepEqual(m, w) {
				t.Errorf("models differ: %d components, %d flows; whole: %d, %d", len(m.Components), len(m.Flows), len(w.Components), len(w.Flows))
			}
			if tc.name == "plain" && (len(m.Components) != 3000 || len(m.Flows) != 4000) {
				t.Errorf("%d components, %d flows, want 3000 and 4000", len(m.Components), len(m.Flows))
			}
		})
	}
}
