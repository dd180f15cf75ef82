package analysis_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/infer"
	_ "github.com/rampart-sec/rampart/internal/formats/otm"            // registers the OTM importer
	_ "github.com/rampart-sec/rampart/internal/formats/threagile"      // registers the Threagile importer
	_ "github.com/rampart-sec/rampart/internal/formats/threatcomposer" // registers the Threat Composer importer
	_ "github.com/rampart-sec/rampart/internal/formats/threatdragon"   // registers the Threat Dragon importer
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// The expert evaluation again, on the experts' files imported directly
// rather than rebuilt by hand: each judged file's source is imported with
// its format's importer and analysed, and its expert threats are matched
// the same way (matchJudged). The judgments name the rebuilt model's
// elements, so each judged element is first translated into the imported
// elements that are the same element (translate). Recall is measured
// twice: with what the importer inferred from names and labels undone
// (infer.Revert), and as imported.

// importFloor is the recall each imported expert file must keep; the
// figures are in docs/benchmarks.md.
var importFloor = map[string]float64{
	"threat-dragon-demo":   0.50,
	"threat-composer-tool": 0.40,
	"genai-chatbot":        0.62,
}

// normWords splits a name into lower-case words of letters and digits.
func normWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// within reports whether the words of a occur in b, in order and next to each other.
func within(a, b []string) bool {
	for i := 0; len(a) > 0 && i+len(a) <= len(b); i++ {
		if slices.Equal(a, b[i:i+len(a)]) {
			return true
		}
	}
	return false
}

// flowKey is the identifier a flow's name starts with when it has one
// (DF3, A1: a word of letters followed by digits), else "".
func flowKey(name string) string {
	w := normWords(name)
	if len(w) == 0 {
		return ""
	}
	k := w[0]
	i := strings.IndexAny(k, "0123456789")
	if i <= 0 || strings.Trim(k[i:], "0123456789") != "" {
		return ""
	}
	return k
}

// sameElement reports whether an imported element named got is the
// rebuilt element named want: the same words, or the words of one held
// whole in the other's, or (flows) the same leading identifier.
func sameElement(want, got string, flows bool) bool {
	w, g := normWords(want), normWords(got)
	if len(w) == 0 || len(g) == 0 {
		return false
	}
	if within(w, g) || within(g, w) {
		return true
	}
	return flows && flowKey(want) != "" && flowKey(want) == flowKey(got)
}

// translate rewrites the judged elements, ids of the rebuilt model, as
// the ids of the imported model's elements that are the same element.
func translate(j judged, rebuilt, imported *model.Model) judged {
	names := map[string]string{}
	isFlow := map[string]bool{}
	for _, c := range rebuilt.Components {
		names[c.ID] = c.Name
	}
	for _, f := range rebuilt.Flows {
		names[f.ID], isFlow[f.ID] = f.Name, true
	}
	out := j
	out.Threats = slices.Clone(j.Threats)
	for i, et := range out.Threats {
		var ids []string
		for _, e := range et.Elements {
			if isFlow[e] {
				for _, f := range imported.Flows {
					if sameElement(names[e], f.Name, true) {
						ids = append(ids, f.ID)
					}
				}
				continue
			}
			for _, c := range imported.Components {
				if sameElement(names[e], c.Name, false) {
					ids = append(ids, c.ID)
				}
			}
		}
		out.Threats[i].Elements = ids
	}
	return out
}

// importFixture imports the shared fixture rel with the importer of its format.
func importFixture(t *testing.T, rel string) *model.Model {
	t.Helper()
	path := testfixtures.Path(t, rel)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := formats.Lookup(formats.Detect(data))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	m, problems, err := f.Import(context.Background(), path, data, formats.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("%s: %v %v", rel, err, problems.Errors())
	}
	return m
}

// loadModel loads a Rampart model that must be valid.
func loadModel(t *testing.T, path string) *model.Model {
	t.Helper()
	m, problems, err := model.Load(context.Background(), path, model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("%s: %v %v", path, err, problems.Errors())
	}
	return m
}

func TestImportedExpertRecall(t *testing.T) {
	files, err := filepath.Glob("testdata/eval/*.judged.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no judged expert models: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".judged.yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var j judged
			if err := yaml.Unmarshal(src, &j); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			m := importFixture(t, j.Source)
			rebuilt := loadModel(t, filepath.Join("testdata/eval", name+".yaml"))
			measure := func(m *model.Model) (recall float64, found int, missed []string, share string) {
				r := analysis.Analyze(m, analysis.Options{Now: evalDate})
				found, missed = matchJudged(translate(j, rebuilt, m), r)
				high, total := highShare(r)
				return float64(found) / float64(len(j.Threats)), found, missed, fmt.Sprintf("%d/%d", high, total)
			}
			before, foundBefore, _, shareBefore := measure(infer.Revert(m))
			after, found, missed, share := measure(m)
			t.Logf("%-22s %-40s recall without inference %2d/%2d = %3.0f%%, as imported %2d/%2d = %3.0f%%; high+critical %s, %s  (%d components, %d flows)",
				name, j.Source, foundBefore, len(j.Threats), 100*before, found, len(j.Threats), 100*after, shareBefore, share, len(m.Components), len(m.Flows))
			if testing.Verbose() {
				for _, ms := range missed {
					t.Logf("    missed: %s", ms)
				}
			}
			if after < importFloor[name] {
				t.Errorf("recall %.2f below its floor %.2f", after, importFloor[name])
			}
		})
	}
}
