// Package attacktree builds attack trees from an analysis result: for each
// crown-jewel data asset, an OR of the ways in (one per entry point and
// component holding the asset), each an AND of the steps along the most
// likely path, each step an OR of the open threats that get the attacker
// through it or of passing the flow's own controls. Likelihoods roll up as
// OR = 1-∏(1-p) and AND = ∏p. It does no I/O.
package attacktree

import (
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/graph"
	"github.com/rampart-sec/rampart/internal/model"
)

// MaxWays is the most ways in a tree lists under its root, most likely
// first; the root's Omitted counts the others.
const MaxWays = 10

// Kind is the kind of a node: an OR or AND gate, or a leaf.
type Kind string

// Node kinds.
const (
	Or   Kind = "or"
	And  Kind = "and"
	Leaf Kind = "leaf"
)

// Node is one node of an attack tree.
type Node struct {
	Kind  Kind   `json:"kind"`
	Label string `json:"label"`
	// Likelihood is the leaf's estimate, or the gate's rolled-up value, rounded to 3 places.
	Likelihood float64 `json:"likelihood"`
	// Threat is the id of the threat a leaf exploits; Element the component
	// or flow a node is about.
	Threat   string  `json:"threat,omitempty"`
	Element  string  `json:"element,omitempty"`
	Children []*Node `json:"children,omitempty"`
	// Omitted counts the ways in left out past MaxWays (roots only).
	Omitted int `json:"omitted,omitempty"`
}

// Tree is the attack tree of one data asset.
type Tree struct {
	Asset          string               `json:"asset"`
	Name           string               `json:"name,omitempty"`
	Classification model.Classification `json:"classification"`
	Root           *Node                `json:"root"`
}

// ErrUnknownAsset is returned for an asset id the model does not declare.
var ErrUnknownAsset = errors.New("no such data asset")

// CrownJewels returns the ids of the data assets that get a tree: the
// confidential and restricted ones, or else those of the highest
// classification, in model order.
func CrownJewels(m *model.Model) []string {
	top := 0
	for i := range m.Data {
		top = max(top, m.Data[i].Classification.Level())
	}
	var out []string
	for i := range m.Data {
		if l := m.Data[i].Classification.Level(); l >= 2 || l == top {
			out = append(out, m.Data[i].ID)
		}
	}
	return out
}

// Build returns the attack trees of the given assets, or of the crown
// jewels when none are given. An asset no entry point reaches gets a root
// with no children and likelihood 0.
func Build(res *analysis.Result, assets ...string) ([]Tree, error) {
	m := res.Model
	if len(assets) == 0 {
		assets = CrownJewels(m)
	}
	b := newBuilder(res)
	var out []Tree
	for _, id := range assets {
		d := b.ix.Data[id]
		if d == nil {
			return nil, fmt.Errorf("%w %q", ErrUnknownAsset, id)
		}
		out = append(out, b.tree(d))
	}
	return out, nil
}

type hop struct {
	flow *model.Flow
	to   string
}

type builder struct {
	res     *analysis.Result
	ix      *model.Index
	g       *graph.Graph
	out     map[string][]hop
	entries []string
	threats map[string][]*analysis.Finding // open findings by target element
	paths   map[string]map[string][]hop    // entry -> component -> best hops
}

func newBuilder(res *analysis.Result) *builder {
	m := res.Model
	b := &builder{res: res, ix: m.Index(), g: graph.New(m, graph.Options{}), out: map[string][]hop{},
		threats: map[string][]*analysis.Finding{}, paths: map[string]map[string][]hop{}}
	for i := range m.Components {
		if b.g.IsEntry(m.Components[i].ID) && !slices.Contains(b.entries, m.Components[i].ID) {
			b.entries = append(b.entries, m.Components[i].ID)
		}
	}
	slices.Sort(b.entries)
	for i := range m.Flows {
		f := &m.Flows[i]
		if f.From != f.To && b.ix.Components[f.From] != nil && b.ix.Components[f.To] != nil {
			b.out[f.From] = append(b.out[f.From], hop{f, f.To})
		}
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if !f.Treatment.Open() {
			continue
		}
		for _, t := range f.Targets {
			b.threats[t] = append(b.threats[t], f)
		}
	}
	return b
}

func (b *builder) tree(d *model.DataAsset) Tree {
	root := &Node{Kind: Or, Label: fmt.Sprintf("Compromise %s (%s)", cmp.Or(d.Name, d.ID), d.Classification), Element: d.ID}
	var holders []string
	for i := range b.res.Model.Components {
		c := &b.res.Model.Components[i]
		if c.Type.Kind() != model.KindExternalEntity && (slices.Contains(c.Stores, d.ID) || slices.Contains(c.Processes, d.ID)) &&
			!slices.Contains(holders, c.ID) {
			holders = append(holders, c.ID)
		}
	}
	slices.Sort(holders)
	holds := make(map[string]bool, len(holders))
	for _, h := range holders {
		holds[h] = true
	}
	var reached []string
	ways := 0 // every way found; only the MaxWays most likely are kept
	for _, e := range b.entries {
		best := b.bestPaths(e)
		// The holders this entry reaches, in order: from the smaller side,
		// since a large model has many entries that each reach few.
		reached = reached[:0]
		if len(best) < len(holders) {
			for id := range best {
				if holds[id] {
					reached = append(reached, id)
				}
			}
			slices.Sort(reached)
		} else {
			for _, h := range holders {
				if _, ok := best[h]; ok {
					reached = append(reached, h)
				}
			}
		}
		for _, h := range reached {
			p, ok := b.wayLikelihood(h, best[h])
			if !ok {
				continue
			}
			ways++
			// A way clearly less likely than the least of ten kept is
			// counted, not built (the margin covers rounding).
			if len(root.Children) == MaxWays && math.Round(p*1000)/1000+0.002 < root.Children[MaxWays-1].Likelihood {
				continue
			}
			if way := b.way(e, h, best[h]); way != nil {
				root.Children = keepBest(root.Children, way, MaxWays)
			}
		}
	}
	root.Omitted = ways - len(root.Children)
	rollUp(root)
	return Tree{Asset: d.ID, Name: d.Name, Classification: d.Classification, Root: root}
}

// way is the AND of the steps from entry e to holder h, or nil when there
// is no known way (h is the entry itself and has no open threats).
func (b *builder) way(e, h string, hops []hop) *Node {
	names := []string{e}
	for _, s := range hops {
		names = append(names, s.to)
	}
	n := &Node{Kind: And, Label: "From " + strings.Join(names, " → "), Element: h}
	if len(hops) == 0 {
		step := &Node{Kind: Or, Label: "Exploit " + h, Element: h}
		step.Children = b.threatLeaves(h)
		if len(step.Children) == 0 {
			return nil
		}
		n.Children = []*Node{step}
		return n
	}
	for _, s := range hops {
		step := &Node{Kind: Or, Label: fmt.Sprintf("Get into %s over %s", s.to, s.flow.ID), Element: s.to}
		step.Children = append(step.Children, &Node{Kind: Leaf, Label: "Pass the controls of flow " + s.flow.ID,
			Likelihood: graph.StepProbability(b.ix, s.flow), Element: s.flow.ID})
		step.Children = append(step.Children, b.threatLeaves(s.flow.ID, s.to)...)
		sortNodes(step.Children)
		n.Children = append(n.Children, step)
	}
	return n
}

// wayLikelihood is the likelihood way(e, h, hops) rolls up to, computed
// without building its nodes, and false where way returns nil.
func (b *builder) wayLikelihood(h string, hops []hop) (float64, bool) {
	if len(hops) == 0 {
		q, n := b.threatsMiss(1, h)
		return 1 - q, n > 0
	}
	p := 1.0
	for _, s := range hops {
		q, _ := b.threatsMiss(1-graph.StepProbability(b.ix, s.flow), s.flow.ID, s.to)
		p *= 1 - q
	}
	return p, true
}

// threatsMiss multiplies q by the chance that each open threat
// threatLeaves lists for the elements fails, and counts those threats.
func (b *builder) threatsMiss(q float64, elements ...string) (float64, int) {
	var seen []string
	for _, el := range elements {
		for _, f := range b.threats[el] {
			if slices.Contains(seen, f.ID) || !slices.ContainsFunc(f.STRIDE, letsIn) {
				continue
			}
			seen = append(seen, f.ID)
			q *= 1 - Probability(f.Residual.Likelihood)
		}
	}
	return q, len(seen)
}

// threatLeaves are the open threats on the elements that can let an
// attacker in (spoofing, tampering, information disclosure or elevation of
// privilege; denial of service and repudiation alone do not), one leaf each.
func (b *builder) threatLeaves(elements ...string) []*Node {
	var out []*Node
	seen := map[string]bool{}
	for _, el := range elements {
		for _, f := range b.threats[el] {
			if seen[f.ID] || !slices.ContainsFunc(f.STRIDE, letsIn) {
				continue
			}
			seen[f.ID] = true
			out = append(out, &Node{Kind: Leaf, Label: f.Title, Threat: f.ID, Element: el,
				Likelihood: Probability(f.Residual.Likelihood)})
		}
	}
	sortNodes(out)
	return out
}

// Probability reads a likelihood rating 1..5 as 0.1, 0.3, 0.5, 0.7, 0.9:
// no single threat makes a step certain.
func Probability(likelihood int) float64 {
	return float64(2*min(max(likelihood, 1), 5)-1) / 10
}

func letsIn(s model.STRIDE) bool {
	return s == model.Spoofing || s == model.Tampering || s == model.InformationDisclosure || s == model.ElevationOfPrivilege
}

// bestPaths runs Dijkstra on -ln(step probability) from one entry point and
// returns the hops of the most likely path to every reachable component
// (ties to the lexically smaller predecessor, as the graph package does).
func (b *builder) bestPaths(entry string) map[string][]hop {
	if p, ok := b.paths[entry]; ok {
		return p
	}
	cost := map[string]float64{entry: 0}
	prev := map[string]hop{}
	from := map[string]string{}
	pq := &graph.Queue[string]{{Key: entry}}
	done := map[string]bool{}
	for pq.Len() > 0 {
		it := heap.Pop(pq).(graph.Item[string])
		if done[it.Key] {
			continue
		}
		done[it.Key] = true
		for _, h := range b.out[it.Key] {
			if h.to == entry {
				continue
			}
			c := it.Cost - math.Log(graph.StepProbability(b.ix, h.flow))
			old, seen := cost[h.to]
			if !seen || c < old-1e-12 || (math.Abs(c-old) <= 1e-12 && (it.Key < from[h.to] || it.Key == from[h.to] && h.flow.ID < prev[h.to].flow.ID)) {
				cost[h.to], prev[h.to], from[h.to] = c, h, it.Key
				heap.Push(pq, graph.Item[string]{Key: h.to, Cost: c})
			}
		}
	}
	out := map[string][]hop{entry: nil}
	for id := range cost {
		if id == entry {
			continue
		}
		var hops []hop
		for at := id; at != entry; at = from[at] {
			hops = append(hops, prev[at])
		}
		slices.Reverse(hops)
		out[id] = hops
	}
	b.paths[entry] = out
	return out
}

// rollUp computes the gates' likelihoods bottom up and rounds every node's.
func rollUp(n *Node) float64 {
	p := n.Likelihood
	switch n.Kind {
	case Or:
		q := 1.0
		for _, c := range n.Children {
			q *= 1 - rollUp(c)
		}
		p = 1 - q
	case And:
		p = 1
		for _, c := range n.Children {
			p *= rollUp(c)
		}
		if len(n.Children) == 0 {
			p = 0
		}
	}
	n.Likelihood = math.Round(p*1000) / 1000
	return p
}

// sortNodes orders siblings by rolled-up likelihood, most likely first,
// then by label and threat id, so that a tree is the same on every run.
func sortNodes(nodes []*Node) {
	for _, n := range nodes {
		rollUp(n)
	}
	slices.SortStableFunc(nodes, compareNodes)
}

func compareNodes(a, b *Node) int {
	return cmp.Or(cmp.Compare(b.Likelihood, a.Likelihood), cmp.Compare(a.Label, b.Label), cmp.Compare(a.Threat, b.Threat))
}

// keepBest adds n to kept, the at most limit most likely nodes in sortNodes'
// order, dropping the least likely past the limit: a large model has
// thousands of ways to an asset, and holding them all took gigabytes.
func keepBest(kept []*Node, n *Node, limit int) []*Node {
	rollUp(n)
	if len(kept) == limit && compareNodes(n, kept[limit-1]) >= 0 {
		return kept
	}
	i, _ := slices.BinarySearchFunc(kept, n, func(a, b *Node) int { return cmp.Or(compareNodes(a, b), -1) })
	kept = slices.Insert(kept, i, n)
	if len(kept) > limit {
		kept[limit] = nil
		kept = kept[:limit]
	}
	return kept
}
