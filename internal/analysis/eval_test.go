package analysis_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/threats"
)

// The evaluation measures the built-in rules against threat models written
// by experts. testdata/eval holds each expert model rebuilt as a Rampart
// model (<name>.yaml) and every expert threat judged once
// (<name>.judged.yaml): the model elements it is about and the CWE classes
// that express its concern. An expert threat counts as found when a rule
// raises a threat on one of its elements with one of its CWEs. The test
// prints recall and the share of high and critical findings, and fails when
// either leaves its recorded range, so that a change in the rules that
// loses recall or adds noise is seen.

var evalDate = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

type judged struct {
	Source  string         `yaml:"source"`
	Threats []judgedThreat `yaml:"threats"`
}

// judgedThreat is one expert threat: its number in the expert's file (0
// where the file numbers none), its title, and the model elements and CWE
// classes it is about.
type judgedThreat struct {
	ID       int      `yaml:"id"`
	Title    string   `yaml:"title"`
	Elements []string `yaml:"elements"`
	CWE      []int    `yaml:"cwe"`
}

// evalFloor is the recall each rebuilt expert model must keep (found
// expert threats / judged expert threats); the figures are in docs/benchmarks.md.
var evalFloor = map[string]float64{
	"threat-dragon-demo":   0.85,
	"threat-composer-tool": 0.85,
	"genai-chatbot":        0.75,
}

// evalHighShareMax is the largest share of high and critical findings
// accepted on each rebuilt expert model.
const evalHighShareMax = 0.25

// highShareMax is the largest share of high and critical findings accepted on
// any one example or imported fixture: the largest measured, the OTM example
// (4 of 11, its own card data rated 100/100/100 on an unauthenticated
// internet-facing service; docs/benchmarks.md), with room for one more.
const highShareMax = 0.40

// highShareBand is the target share of high and critical findings over all
// examples and imported fixtures together (issue 10: 10–25%).
var highShareBand = [2]float64{0.10, 0.25}

func analyzeFile(t *testing.T, path string) *analysis.Result {
	t.Helper()
	return analysis.Analyze(loadModel(t, path), analysis.Options{Now: evalDate})
}

// highShare returns the share of findings rated high or critical (residual).
func highShare(r *analysis.Result) (high, total int) {
	for _, f := range r.Findings {
		if f.Origin == threats.OriginManual {
			continue
		}
		total++
		if s := f.Residual.Severity; s == "high" || s == "critical" {
			high++
		}
	}
	return high, total
}

func cweIDs(refs []threats.Ref) []int {
	var out []int
	for _, r := range refs {
		if n, err := strconv.Atoi(strings.TrimPrefix(r.ID, "CWE-")); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// matchJudged counts the expert threats of j that a rule's finding in r
// matches (on one of the threat's elements, with one of its CWEs) and
// lists the others.
func matchJudged(j judged, r *analysis.Result) (found int, missed []string) {
	for _, et := range j.Threats {
		if len(matching(et, r)) > 0 {
			found++
		} else {
			missed = append(missed, fmt.Sprintf("%d %s", et.ID, et.Title))
		}
	}
	return found, missed
}

// matching returns the rules' findings in r that match the expert threat
// et: on one of its elements, with one of its CWEs.
func matching(et judgedThreat, r *analysis.Result) []analysis.Finding {
	var out []analysis.Finding
	for _, f := range r.Findings {
		if f.Origin == threats.OriginManual {
			continue
		}
		onElement := false
		for _, target := range f.Targets {
			onElement = onElement || slices.Contains(et.Elements, target)
		}
		if !onElement {
			continue
		}
		for _, c := range cweIDs(f.CWE) {
			if slices.Contains(et.CWE, c) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

func TestExpertRecall(t *testing.T) {
	files, err := filepath.Glob("testdata/eval/*.judged.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no judged expert models: %v", err)
	}
	var allFound, allJudged, allHigh, allTotal int
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
		r := analyzeFile(t, filepath.Join("testdata/eval", name+".yaml"))
		found, missed := matchJudged(j, r)
		high, total := highShare(r)
		recall := float64(found) / float64(len(j.Threats))
		t.Logf("%-22s recall %2d/%2d = %3.0f%%   high+critical %2d/%3d = %3.0f%%", name, found, len(j.Threats),
			100*recall, high, total, 100*float64(high)/float64(max(total, 1)))
		if testing.Verbose() {
			for _, m := range missed {
				t.Logf("    missed: %s", m)
			}
		}
		if recall < evalFloor[name] {
			t.Errorf("%s: recall %.2f below its floor %.2f", name, recall, evalFloor[name])
		}
		if share := float64(high) / float64(max(total, 1)); share > evalHighShareMax {
			t.Errorf("%s: %.0f%% of findings are high or critical, above %.0f%%", name, 100*share, 100*evalHighShareMax)
		}
		allFound += found
		allJudged += len(j.Threats)
		allHigh += high
		allTotal += total
	}
	t.Logf("%-22s recall %2d/%2d = %3.0f%%   high+critical %2d/%3d = %3.0f%%", "all expert models", allFound, allJudged,
		100*float64(allFound)/float64(allJudged), allHigh, allTotal, 100*float64(allHigh)/float64(max(allTotal, 1)))
}

// TestHighShare prints the share of high and critical findings on every
// bundled example and on every model of another tool in the shared
// fixtures, imported with its format's importer.
func TestHighShare(t *testing.T) {
	examples := []string{"online-shop.yaml", "hr-saas.yaml", "back-office.yaml", "iot-telemetry/rampart.yaml", "rag-assistant/rampart.yaml"}
	var allHigh, allTotal int
	check := func(name string, r *analysis.Result) {
		high, total := highShare(r)
		allHigh, allTotal = allHigh+high, allTotal+total
		share := float64(high) / float64(max(total, 1))
		t.Logf("%-40s high+critical %3d/%3d = %3.0f%%, gate breaches %d", name, high, total, 100*share, r.Summary.Breaches)
		if testing.Verbose() {
			for _, f := range r.Findings {
				if s := f.Residual.Severity; f.Origin != threats.OriginManual && (s == "high" || s == "critical") {
					t.Logf("    %-8s %d×%d %s", s, f.Residual.Likelihood, f.Residual.Impact, f.ID)
				}
			}
		}
		if share > highShareMax {
			t.Errorf("%s: %.0f%% of findings are high or critical, above %.0f%%", name, 100*share, 100*highShareMax)
		}
	}
	for _, ex := range examples {
		check("examples/"+ex, analyzeFile(t, filepath.Join("..", "..", "examples", ex)))
	}
	imports := []string{
		"threat-dragon/v2-threat-model.json",
		"threat-dragon/generic-cms.json",
		"threat-dragon/payment-online.json",
		"threat-composer/ThreatComposer.tc.json",
		"threat-composer/GenAIChatbot.tc.json",
		"otm/example.otm.json",
		"otm/example.otm.yaml",
		"threagile/threagile-example-model.yaml",
		"threagile/threagile-stub-model.yaml",
	}
	for _, rel := range imports {
		check(rel, analysis.Analyze(importFixture(t, rel), analysis.Options{Now: evalDate}))
	}
	share := float64(allHigh) / float64(max(allTotal, 1))
	t.Logf("%-40s high+critical %3d/%3d = %3.0f%%", "all examples and fixtures", allHigh, allTotal, 100*share)
	if share < highShareBand[0] || share > highShareBand[1] {
		t.Errorf("%.0f%% of all findings are high or critical, outside %.0f–%.0f%%", 100*share, 100*highShareBand[0], 100*highShareBand[1])
	}
}
