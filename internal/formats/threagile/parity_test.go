package threagile

import (
	"bufio"
	"context"
	"flag"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/formats/threagile/threagiletool"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

var parityDump = flag.String("parity.dump", "", "write the Threagile models the parity test analyses into this directory")

// parityDocPath is the document listing every known difference between
// Threagile's built-in rules and Rampart's counterparts; the test reads
// its table, so that the document and the test cannot drift apart.
const parityDocPath = "../../../docs/threagile-parity.md"

// parityCase is one Threagile model both tools analyse.
type parityCase struct {
	name string
	yaml []byte
}

// parityCases are Threagile's own example and stub models and generated
// estates of 1, 3 and 8 systems, written as Threagile models by the exporter.
func parityCases(t *testing.T) []parityCase {
	t.Helper()
	var out []parityCase
	for _, f := range fixtures(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parityCase{strings.TrimSuffix(filepath.Base(f), ".yaml"), data})
	}
	for _, g := range []struct {
		systems int
		seed    uint64
	}{{1, 1}, {3, 2}, {8, 3}} {
		src := generateModel(g.systems, g.seed)
		m, problems, err := model.LoadBytes(context.Background(), "generated.yaml", []byte(src), model.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			t.Fatalf("generated model does not load:\n%s\n%s", problemLines(errs), src)
		}
		data, _, err := Export(context.Background(), m, threats.Identify(m, builtin.Rules()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parityCase{"generated-" + strconv.Itoa(g.systems), data})
	}
	return out
}

// difference is one (rule, element) pair on which the two tools disagree:
// "missed" when Threagile raises the risk and no Rampart counterpart fires
// there, "extra" when a Rampart counterpart fires where Threagile raises
// no risk of that rule.
type difference struct {
	model, direction, rule, element string
}

func (d difference) String() string {
	return d.model + " | " + d.direction + " | " + d.rule + " | " + d.element
}

// riskElement is the Rampart element a Threagile risk concerns ("*" for a
// model-wide risk): the flow of
// its communication link (the link into the asset at risk), else its
// technical asset, trust boundary, shared runtime ("runtime:ID") or data
// asset. Denial-of-service risks name the asset reached, as their link is
// the first hop of a forwarded access.
func riskElement(r threagiletool.Risk) string {
	if modelWide[r.Category] {
		return "*"
	}
	if r.Link != "" && r.Category != "dos-risky-access-across-trust-boundary" {
		src, title, _ := strings.Cut(r.Link, ">")
		return src + "." + title
	}
	switch {
	case r.TechnicalAsset != "":
		return r.TechnicalAsset
	case r.Boundary != "":
		return r.Boundary
	case r.SharedRuntime != "":
		return "runtime:" + r.SharedRuntime
	case r.DataAsset != "":
		return r.DataAsset
	}
	return "*"
}

// modelWide lists the rules that raise one risk for the whole model,
// naming some asset only as an example.
var modelWide = map[string]bool{"missing-vault": true, "missing-build-infrastructure": true, "missing-identity-store": true}

// compare runs both tools' results against each other and returns their differences.
func compare(name string, m *model.Model, found []threats.Threat, risks []threagiletool.Risk) []difference {
	ix := m.Index()
	raised := map[string][]string{} // Threagile rule -> elements
	var out []difference
	for _, r := range risks {
		if byThreagile[r.Category] == nil {
			continue // a custom risk category of the model
		}
		el := riskElement(r)
		if _, parts := splitRiskID(r.SyntheticID); el == "*" && !modelWide[r.Category] && len(parts) > 0 {
			// Threagile leaves the most relevant shared runtime of some
			// risks unset; their id still names it.
			el = parts[0]
			if ix.Kind(el) == "" {
				el = "runtime:" + el
			}
		}
		raised[r.Category] = append(raised[r.Category], el)
		hit := false
		want := RampartRules(r.Category)
		for _, t := range found {
			if slices.Contains(want, t.Rule) && parityMatch(ix, el, t.Targets) {
				hit = true
				break
			}
		}
		if !hit {
			out = append(out, difference{name, "missed", r.Category, el})
		}
	}
	for _, t := range found {
		if t.Origin == threats.OriginManual {
			continue
		}
		for _, rule := range ThreagileRules(t.Rule) {
			hit := false
			for _, el := range raised[rule] {
				if parityMatch(ix, el, t.Targets) {
					hit = true
					break
				}
			}
			if !hit {
				out = append(out, difference{name, "extra", rule, strings.Join(t.Targets, "+")})
			}
		}
	}
	return dedupe(out)
}

func dedupe(ds []difference) []difference {
	sort.Slice(ds, func(i, j int) bool { return ds[i].String() < ds[j].String() })
	return slices.Compact(ds)
}

// documented is one row of the parity document's table; every field but
// the reason may be a glob (path.Match) such as generated-* or s*-web.
type documented struct {
	difference
	reason string
	line   int
	used   bool
}

func (d *documented) matches(x difference) bool {
	for _, p := range [][2]string{{d.model, x.model}, {d.direction, x.direction}, {d.rule, x.rule}, {d.element, x.element}} {
		if ok, _ := path.Match(p[0], p[1]); !ok {
			return false
		}
	}
	return true
}

// readParityDoc reads the rows of the differences table: | model |
// direction | rule | element | reason |.
func readParityDoc(t *testing.T) []*documented {
	t.Helper()
	f, err := os.Open(parityDocPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*documented
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		cells := strings.Split(strings.Trim(strings.TrimSpace(sc.Text()), "|"), "|")
		if len(cells) != 5 {
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
		}
		if cells[1] != "missed" && cells[1] != "extra" {
			continue // header and separator rows
		}
		if cells[4] == "" {
			t.Errorf("%s:%d: a difference without a reason", parityDocPath, n)
		}
		out = append(out, &documented{difference: difference{cells[0], cells[1], cells[2], cells[3]}, reason: cells[4], line: n})
	}
	return out
}

// TestThreagileParity runs the real Threagile CLI and Rampart on the same
// models (Threagile's own example and stub, and generated estates) and
// compares Threagile's risks with the Rampart threats of the rules mapped
// onto them (through the one table, Rules). Every difference, in either
// direction, must be listed with its reason in docs/threagile-parity.md,
// and every row there must still be a difference.
func TestThreagileParity(t *testing.T) {
	threagiletool.Binary(t)
	doc := readParityDoc(t)
	var rampartCPU, threagileCPU time.Duration
	for _, c := range parityCases(t) {
		if *parityDump != "" {
			if err := os.WriteFile(filepath.Join(*parityDump, c.name+".yaml"), c.yaml, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := threagiletool.Analyze(context.Background(), t, c.yaml)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		threagileCPU += res.CPU
		before := cpuTime()
		m, _, problems, err := ImportNotes(context.Background(), c.name+".yaml", c.yaml, formats.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if errs := problems.Errors(); len(errs) > 0 {
			t.Fatalf("%s does not import:\n%s", c.name, problemLines(errs))
		}
		found := threats.Identify(m, builtin.Rules())
		rampartCPU += cpuTime() - before
		diffs := compare(c.name, m, found, res.Risks)
		t.Logf("%s: Threagile raises %d risks, Rampart %d threats; %d differences", c.name, len(res.Risks), len(found), len(diffs))
		for _, d := range diffs {
			listed := false
			for _, row := range doc {
				if row.matches(d) {
					row.used, listed = true, true
				}
			}
			if !listed {
				t.Errorf("undocumented difference: | %s | (add it with its reason to %s, or fix it)", d, parityDocPath)
			}
		}
	}
	for _, row := range doc {
		if !row.used {
			t.Errorf("%s:%d: | %s | is no longer a difference: remove the row", parityDocPath, row.line, row.difference)
		}
	}
	t.Logf("CPU time: Threagile %v (whole process, per run), Rampart %v (import and rules, in process)", threagileCPU, rampartCPU)
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// parityMatch reports whether a Rampart threat with these targets concerns
// the element: the element is among the targets, the endpoints of flow
// targets or the boundaries around component targets; or, for a flow
// element, every target is the flow or one of its endpoints.
func parityMatch(ix *model.Index, element string, targets []string) bool {
	if element == "*" {
		return true
	}
	if rt, ok := strings.CutPrefix(element, "runtime:"); ok {
		for _, id := range targets {
			if id == rt {
				return true
			}
			if c := ix.Components[id]; c != nil && c.Runtime == rt {
				return true
			}
		}
		return false
	}
	closure := map[string]bool{}
	for _, id := range targets {
		closure[id] = true
		if f := ix.Flows[id]; f != nil {
			closure[f.From], closure[f.To] = true, true
		}
		if ix.Components[id] != nil {
			for _, b := range ix.BoundaryChain(id) {
				closure[b] = true
			}
		}
	}
	if closure[element] {
		return true
	}
	if f := ix.Flows[element]; f != nil {
		for _, id := range targets {
			if id != f.ID && id != f.From && id != f.To {
				return false
			}
		}
		return len(targets) > 0
	}
	return false
}

// threatsFired identifies a model's threats by id.
func threatsFired(m *model.Model) map[string]threats.Threat {
	out := map[string]threats.Threat{}
	for _, t := range threats.Identify(m, builtin.Rules()) {
		out[t.ID] = t
	}
	return out
}
