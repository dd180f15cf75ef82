package attacktree

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

var asOf = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func analyse(t *testing.T, path string) *analysis.Result {
	t.Helper()
	m, problems, err := model.Load(context.Background(), path, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("%s is invalid:\n%v", path, errs)
	}
	return analysis.Analyze(m, analysis.Options{Now: asOf, Tool: "rampart test"})
}

// TestGolden builds the trees of every bundled example and compares the
// JSON and DOT with the reviewed files in testdata (go test -update
// rewrites them).
func TestGolden(t *testing.T) {
	examples := []string{"online-shop.yaml", "back-office.yaml", "hr-saas.yaml", "iot-telemetry/rampart.yaml"}
	for _, ex := range examples {
		t.Run(ex, func(t *testing.T) {
			res := analyse(t, filepath.Join("..", "..", "examples", ex))
			trees, err := Build(res)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(trees, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(strings.ReplaceAll(ex, "/", "-"), ".yaml")
			for _, g := range []struct {
				ext  string
				data []byte
			}{{"json", append(js, '\n')}, {"dot", DOT(trees)}} {
				path := filepath.Join("testdata", base+"."+g.ext)
				if *update {
					if err := os.WriteFile(path, g.data, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./internal/attacktree -update)", err)
				}
				if !bytes.Equal(g.data, want) {
					t.Errorf("%s differs from the tree built now; review and run go test ./internal/attacktree -update", path)
				}
			}
			again, _ := Build(res)
			if js2, _ := json.MarshalIndent(again, "", "  "); !bytes.Equal(js, js2) {
				t.Error("two builds of the same result differ")
			}
			for _, tr := range trees {
				checkRollUp(t, tr.Root)
			}
		})
	}
}

// checkRollUp recomputes every gate from its children.
func checkRollUp(t *testing.T, n *Node) {
	t.Helper()
	if n.Kind == Leaf {
		if len(n.Children) != 0 || n.Likelihood <= 0 || n.Likelihood >= 1 {
			t.Errorf("leaf %q: likelihood %v, %d children", n.Label, n.Likelihood, len(n.Children))
		}
		return
	}
	want := 1.0
	if n.Kind == Or {
		q := 1.0
		for _, c := range n.Children {
			q *= 1 - c.Likelihood
		}
		want = 1 - q
	} else {
		for _, c := range n.Children {
			want *= c.Likelihood
		}
	}
	// Children are rounded to 3 places before the parent is compared.
	if math.Abs(want-n.Likelihood) > 0.01 {
		t.Errorf("%s %q: likelihood %v, children give %v", n.Kind, n.Label, n.Likelihood, want)
	}
	for i, c := range n.Children {
		if n.Kind == Or && i > 0 && c.Likelihood > n.Children[i-1].Likelihood {
			t.Errorf("%q: alternatives not most likely first", n.Label)
		}
		checkRollUp(t, c)
	}
}

const small = `rampart: 1
system: {id: s, name: S}
risk_appetite: {max_severity: high}
data:
  - {id: secrets, name: Secrets, classification: restricted}
  - {id: menu, classification: public}
components:
  - {id: user, type: user}
  - {id: web, type: web-application, internet_facing: true}
  - {id: db, type: database, stores: [secrets]}
flows:
  - {id: user-web, from: user, to: web, protocol: https}
  - {id: web-db, from: web, to: db, protocol: jdbc}
`

func TestBuildSmall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(path, []byte(small), 0o644); err != nil {
		t.Fatal(err)
	}
	res := analyse(t, path)
	if got := CrownJewels(res.Model); len(got) != 1 || got[0] != "secrets" {
		t.Errorf("crown jewels %v, want [secrets]", got)
	}
	trees, err := Build(res)
	if err != nil {
		t.Fatal(err)
	}
	root := trees[0].Root
	if root.Kind != Or || len(root.Children) == 0 {
		t.Fatalf("root %+v", root)
	}
	// Both entry points (the user and the internet-facing web app) reach db.
	var labels []string
	for _, c := range root.Children {
		labels = append(labels, c.Label)
		if c.Kind != And || c.Element != "db" {
			t.Errorf("way %+v", c)
		}
	}
	joined := strings.Join(labels, "|")
	if !strings.Contains(joined, "From user → web → db") || !strings.Contains(joined, "From web → db") {
		t.Errorf("ways %v", labels)
	}
	if menu, err := Build(res, "menu"); err != nil || menu[0].Root.Likelihood != 0 || len(menu[0].Root.Children) != 0 {
		t.Errorf("public data nobody holds: %+v %v", menu, err)
	}
	if _, err := Build(res, "nope"); !errors.Is(err, ErrUnknownAsset) {
		t.Errorf("unknown asset gave %v", err)
	}
	if dot := string(DOT(trees)); !strings.HasPrefix(dot, "digraph attack_trees {") || !strings.Contains(dot, `label="OR: Compromise Secrets (restricted)`) {
		t.Errorf("dot:\n%s", dot)
	}
}

func TestProbability(t *testing.T) {
	for l, want := range map[int]float64{0: 0.1, 1: 0.1, 3: 0.5, 5: 0.9, 9: 0.9} {
		if got := Probability(l); math.Abs(got-want) > 1e-9 {
			t.Errorf("Probability(%d) = %v, want %v", l, got, want)
		}
	}
}

func TestRollUp(t *testing.T) {
	n := &Node{Kind: Or, Children: []*Node{
		{Kind: Leaf, Likelihood: 0.5},
		{Kind: And, Children: []*Node{{Kind: Leaf, Likelihood: 0.5}, {Kind: Leaf, Likelihood: 0.4}}},
	}}
	rollUp(n)
	// AND = 0.5*0.4 = 0.2; OR = 1-(0.5*0.8) = 0.6.
	if n.Children[1].Likelihood != 0.2 || n.Likelihood != 0.6 {
		t.Errorf("and %v or %v, want 0.2 and 0.6", n.Children[1].Likelihood, n.Likelihood)
	}
	if empty := (&Node{Kind: And}); rollUp(empty) != 0 {
		t.Error("an AND with no children is not impossible")
	}
}

// TestKeepBestIsSortAndCut checks the bounded selection of ways against
// sorting every way and keeping the first MaxWays, on ties too.
func TestKeepBestIsSortAndCut(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var all, kept []*Node
		for i := range rng.IntN(40) {
			n := &Node{Kind: Leaf, Label: fmt.Sprintf("way %d", rng.IntN(8)), Threat: fmt.Sprint(i % 3),
				Likelihood: float64(rng.IntN(5)) / 10}
			all = append(all, n)
			kept = keepBest(kept, n, MaxWays)
		}
		sortNodes(all)
		want := all[:min(len(all), MaxWays)]
		if len(kept) != len(want) {
			t.Fatalf("round %d: kept %d, want %d", round, len(kept), len(want))
		}
		for i := range want {
			if kept[i] != want[i] {
				t.Fatalf("round %d: way %d is %+v, want %+v", round, i, *kept[i], *want[i])
			}
		}
	}
}

// TestWayLikelihoodIsTheRolledUpWay: the likelihood computed to skip
// unlikely ways is the one their built tree rolls up to, for every entry
// point and every component it reaches in the examples.
func TestWayLikelihoodIsTheRolledUpWay(t *testing.T) {
	for _, name := range []string{"online-shop.yaml", "hr-saas.yaml", "iot-telemetry/rampart.yaml"} {
		b := newBuilder(analyse(t, filepath.Join("..", "..", "examples", name)))
		checked := 0
		for _, e := range b.entries {
			for h, hops := range b.bestPaths(e) {
				p, ok := b.wayLikelihood(h, hops)
				way := b.way(e, h, hops)
				if ok != (way != nil) {
					t.Fatalf("%s: way %s to %s: likelihood says %v, the tree %v", name, e, h, ok, way != nil)
				}
				if way == nil {
					continue
				}
				if got := rollUp(way); math.Abs(got-p) > 1e-9 {
					t.Errorf("%s: way %s to %s: %v computed, %v rolled up", name, e, h, p, got)
				}
				checked++
			}
		}
		if checked == 0 {
			t.Errorf("%s: no way checked", name)
		}
	}
}
