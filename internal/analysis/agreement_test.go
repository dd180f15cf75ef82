package analysis_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/testfixtures"
)

// The severity agreement: the expert files rate their own threats (Threat
// Dragon's severity, Threat Composer's Priority metadata, High, Medium or
// Low). For each expert threat the rules find (matching), the highest
// residual severity of the matching findings is set against the expert's,
// on the rebuilt models and on the files imported directly. The test
// prints the confusion table and fails when the rules rate an expert
// concern two bands apart from the expert (high as low, low as critical)
// more often than recorded, so that a change in the scoring that loses
// the experts' judgment is seen.

// expertLevels are the experts' severities, highest first.
var expertLevels = []string{"high", "medium", "low"}

// ourLevels are Rampart's severities, highest first.
var ourLevels = []model.Severity{"critical", "high", "medium", "low"}

// agreementMaxApart is the largest share of matched expert concerns the
// rules may rate two or more bands away from the expert (expert high
// rated low, expert low rated high or critical; critical counts as high):
// the recorded figure (docs/benchmarks.md), to be lowered only.
const agreementMaxApart = 0.08

// expertSeverities returns the expert's severity of each judged threat
// of j, lower-case, read from the expert's own file: Threat Composer's
// Priority by the threat's number, Threat Dragon's severity in the order
// the file lists its threats (the judged list follows that order and
// each judged title starts with the expert's).
func expertSeverities(t *testing.T, j judged) []string {
	t.Helper()
	data, err := os.ReadFile(testfixtures.Path(t, j.Source))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(j.Threats))
	switch {
	case strings.HasPrefix(j.Source, "threat-composer/"):
		var f struct {
			Threats []struct {
				NumericID int `json:"numericId"`
				Metadata  []struct {
					Key   string          `json:"key"`
					Value json.RawMessage `json:"value"`
				} `json:"metadata"`
			} `json:"threats"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", j.Source, err)
		}
		priority := map[int]string{}
		for _, th := range f.Threats {
			for _, md := range th.Metadata {
				var v string
				if md.Key == "Priority" && json.Unmarshal(md.Value, &v) == nil {
					priority[th.NumericID] = strings.ToLower(v)
				}
			}
		}
		for i, et := range j.Threats {
			out[i] = priority[et.ID]
		}
	case strings.HasPrefix(j.Source, "threat-dragon/"):
		var f struct {
			Detail struct {
				Diagrams []struct {
					Cells []struct {
						Data struct {
							Threats []struct {
								Title    string `json:"title"`
								Severity string `json:"severity"`
							} `json:"threats"`
						} `json:"data"`
					} `json:"cells"`
				} `json:"diagrams"`
			} `json:"detail"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", j.Source, err)
		}
		i := 0
		for _, d := range f.Detail.Diagrams {
			for _, c := range d.Cells {
				for _, th := range c.Data.Threats {
					if i >= len(j.Threats) || !strings.HasPrefix(j.Threats[i].Title, th.Title) {
						t.Fatalf("%s: expert threat %d %q is not judged threat %d", j.Source, i, th.Title, i)
					}
					out[i] = strings.ToLower(th.Severity)
					i++
				}
			}
		}
		if i != len(j.Threats) {
			t.Fatalf("%s lists %d threats, %d judged", j.Source, i, len(j.Threats))
		}
	default:
		t.Fatalf("%s: no expert severities for this format", j.Source)
	}
	for i, s := range out {
		if !strings.Contains("high medium low", s) || s == "" {
			t.Fatalf("%s: judged threat %d %q has no expert severity (%q)", j.Source, j.Threats[i].ID, j.Threats[i].Title, s)
		}
	}
	return out
}

// confusion counts matched expert concerns by the expert's severity and
// ours; missed counts the concerns the rules do not find, by the expert's.
type confusion struct {
	cells  map[string]map[model.Severity]int
	missed map[string]int
	// disagreements lists the concerns rated two bands apart.
	disagreements []string
	// all lists every matched concern with the finding that rates it.
	all []string
}

func newConfusion() *confusion {
	c := &confusion{cells: map[string]map[model.Severity]int{}, missed: map[string]int{}}
	for _, e := range expertLevels {
		c.cells[e] = map[model.Severity]int{}
	}
	return c
}

// band places a severity on the experts' three-level scale: 0 high, 1
// medium, 2 low (critical counts as high).
func band(s string) int {
	switch s {
	case "critical", "high":
		return 0
	case "medium":
		return 1
	}
	return 2
}

// add records the expert threats of j against the findings of r.
func (c *confusion) add(name string, j judged, expert []string, r *analysis.Result) {
	for i, et := range j.Threats {
		ms := matching(et, r)
		if len(ms) == 0 {
			c.missed[expert[i]]++
			continue
		}
		best := ms[0]
		for _, f := range ms[1:] {
			if f.Residual.Severity.Rank() > best.Residual.Severity.Rank() {
				best = f
			}
		}
		ours := best.Residual.Severity
		c.cells[expert[i]][ours]++
		c.all = append(c.all, fmt.Sprintf("%s %d %q: expert %s, ours %s (%s on %s, %d×%d: %s)",
			name, et.ID, et.Title, expert[i], ours, best.Rule, strings.Join(best.Targets, ","),
			best.Residual.Likelihood, best.Residual.Impact, strings.Join(best.Factors, "; ")))
		if d := band(expert[i]) - band(string(ours)); d >= 2 || d <= -2 {
			c.disagreements = append(c.disagreements, fmt.Sprintf("%s %d %q: expert %s, ours %s (%s, %d×%d)",
				name, et.ID, et.Title, expert[i], ours, best.Rule, best.Residual.Likelihood, best.Residual.Impact))
		}
	}
}

// report logs the table and returns the matched count, the exact
// agreements (on the three-level scale) and those two bands apart.
func (c *confusion) report(t *testing.T, title string) (matched, exact, apart int) {
	t.Helper()
	t.Logf("%s: expert severity (rows) against ours (columns), matched concerns", title)
	t.Logf("    %-8s %8s %8s %8s %8s %8s", "expert", "critical", "high", "medium", "low", "missed")
	for _, e := range expertLevels {
		row := fmt.Sprintf("    %-8s", e)
		for _, o := range ourLevels {
			n := c.cells[e][o]
			row += fmt.Sprintf(" %8d", n)
			matched += n
			if band(e) == band(string(o)) {
				exact += n
			}
		}
		t.Log(row + fmt.Sprintf(" %8d", c.missed[e]))
	}
	apart = len(c.disagreements)
	t.Logf("    agreement %d/%d = %.0f%%, two bands apart %d", exact, matched, 100*float64(exact)/float64(max(matched, 1)), apart)
	experts, expertHigh := 0, 0
	for _, e := range expertLevels {
		n := c.missed[e]
		for _, o := range ourLevels {
			n += c.cells[e][o]
		}
		experts += n
		if e == "high" {
			expertHigh = n
		}
	}
	t.Logf("    the experts rate %d of their %d threats high (%.0f%%)", expertHigh, experts, 100*float64(expertHigh)/float64(max(experts, 1)))
	for _, d := range c.disagreements {
		t.Logf("      apart: %s", d)
	}
	if testing.Verbose() {
		for _, d := range c.all {
			t.Logf("      matched: %s", d)
		}
	}
	return matched, exact, apart
}

func TestExpertSeverityAgreement(t *testing.T) {
	files, err := filepath.Glob("testdata/eval/*.judged.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no judged expert models: %v", err)
	}
	rebuilt, imported := newConfusion(), newConfusion()
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".judged.yaml")
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var j judged
		if err := yaml.Unmarshal(src, &j); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		expert := expertSeverities(t, j)
		rm := loadModel(t, filepath.Join("testdata/eval", name+".yaml"))
		rebuilt.add(name, j, expert, analysis.Analyze(rm, analysis.Options{Now: evalDate}))
		im := importFixture(t, j.Source)
		imported.add(name, translate(j, rm, im), expert, analysis.Analyze(im, analysis.Options{Now: evalDate}))
	}
	for _, c := range []struct {
		title string
		c     *confusion
	}{{"rebuilt expert models", rebuilt}, {"expert files imported", imported}} {
		matched, _, apart := c.c.report(t, c.title)
		if matched == 0 {
			t.Errorf("%s: no expert concern matched", c.title)
		}
		if share := float64(apart) / float64(max(matched, 1)); share > agreementMaxApart {
			t.Errorf("%s: %d of %d matched expert concerns rated two bands from the expert's severity, above %.0f%%",
				c.title, apart, matched, 100*agreementMaxApart)
		}
	}
}
