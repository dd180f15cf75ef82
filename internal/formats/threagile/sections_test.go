package threagile

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/source"
)

// sectionCases change a large generated file at a late entry, which lies
// in a piece parsed on its own. startOver says whether reading by pieces
// must give up and read the file whole.
var sectionCases = []struct {
	name      string
	old, new  string
	startOver bool
}{
	{name: "plain"},
	{name: "title repeated across pieces", old: "  Asset 1100:\n", new: "  Asset 3:\n"},
	{name: "unknown key late", old: "    id: asset-1100\n", new: "    id: asset-1100\n    colour: blue\n"},
	{name: "bad reference late", old: "    target: asset-1101\n", new: "    target: asset-nowhere\n"},
	{name: "syntax error late", old: "    description: asset 1100\n", new: "    description: [asset 1100\n", startOver: true},
	{name: "merge key between entries", old: "  Asset 1100:\n", new: "  <<: {id: x}\n  Asset 1100:\n", startOver: true},
	{name: "entry indented deeper", old: "  Asset 1100:\n    id: asset-1100\n", new: "   Asset 1100:\n     id: asset-1100\n", startOver: true},
}

// TestSectionsReadLikeWhole imports large files section piece by section
// piece and whole, and requires the same model, mapping and problems.
func TestSectionsReadLikeWhole(t *testing.T) {
	base := generate(1200)
	if _, rest := source.ParseYAMLSections("big.yaml", base, source.Limits{}, streamed...); rest == nil {
		t.Fatal("the generated file is not read in pieces, so this test would compare a reading with itself")
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
			if b := build(ctx, "big.yaml", data, formats.Options{}, false); b.startOver != tc.startOver {
				t.Errorf("reading by pieces started over: %v, want %v", b.startOver, tc.startOver)
			}
			m, mp, problems, err := ImportMapping(ctx, "big.yaml", data, formats.Options{})
			if err != nil {
				t.Fatal(err)
			}
			w := build(ctx, "big.yaml", data, formats.Options{}, true)
			w.finish("big.yaml")
			w.problems.Sort()
			if got, want := string(problemLines(problems)), string(problemLines(w.problems)); got != want {
				t.Errorf("problems differ\n got: %s\nwant: %s", got, want)
			}
			if tc.name != "plain" && len(problems) == 0 {
				t.Error("the change raised no problem, so it tests nothing")
			}
			if !reflect.DeepEqual(m, w.m) {
				t.Errorf("models differ: %d components, %d flows; whole: %d, %d", len(m.Components), len(m.Flows), len(w.m.Components), len(w.m.Flows))
			}
			if !reflect.DeepEqual(*mp, w.mapping) {
				t.Error("mappings differ")
			}
			if tc.name == "plain" && (len(m.Components) != 1200 || len(m.Flows) != 1199) {
				t.Errorf("%d components, %d flows, want 1200 and 1199", len(m.Components), len(m.Flows))
			}
			if strings.Contains(tc.name, "late") && problems[len(problems)-1].Pos.Line < 40000 {
				t.Errorf("last problem at line %d: the change is not late in the file", problems[len(problems)-1].Pos.Line)
			}
		})
	}
}
