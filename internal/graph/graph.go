// Package graph holds the model's element graph: which components an
// attacker can reach from untrusted entry points, and the most likely
// attack paths to valuable data. It does no I/O.
package graph

import (
	"container/heap"
	"math"
	"sort"

	"github.com/rampart-sec/rampart/internal/model"
)

// Graph is the directed graph of components linked by flows (caller → callee).
type Graph struct {
	m     *model.Model
	ix    *model.Index
	ids   []string       // node index -> component id
	node  map[string]int // component id -> node index
	out   [][]edge
	entry []bool
}

type edge struct {
	to   int
	flow *model.Flow
	// cost is -ln(probability that an attacker holding the caller gets through).
	cost float64
}

// New builds the graph of a model. Entry points are external entities and
// internet-facing components.
func New(m *model.Model) *Graph {
	ix := m.Index()
	g := &Graph{m: m, ix: ix, node: make(map[string]int, len(m.Components))}
	for i := range m.Components {
		c := &m.Components[i]
		if _, dup := g.node[c.ID]; dup {
			continue
		}
		g.node[c.ID] = len(g.ids)
		g.ids = append(g.ids, c.ID)
		g.entry = append(g.entry, c.Type.Kind() == model.KindExternalEntity || c.InternetFacing)
	}
	g.out = make([][]edge, len(g.ids))
	for i := range m.Flows {
		f := &m.Flows[i]
		a, okA := g.node[f.From]
		b, okB := g.node[f.To]
		if !okA || !okB || a == b {
			continue
		}
		g.out[a] = append(g.out[a], edge{to: b, flow: f, cost: -math.Log(StepProbability(ix, f))})
	}
	return g
}

// StepProbability estimates how likely an attacker who controls a flow's
// caller gets through to its callee: authentication, encryption and
// filtering make it harder.
func StepProbability(ix *model.Index, f *model.Flow) float64 {
	p := 0.9
	switch {
	case f.Authentication == "" || f.Authentication == "none":
	case f.Authentication.Strong():
		p = 0.3
	default:
		p = 0.5
	}
	if f.IPFiltered {
		p *= 0.8
	}
	if f.Authorization == "rbac" || f.Authorization == "abac" || f.Authorization == "enduser" {
		p *= 0.9
	}
	if to := ix.Components[f.To]; to != nil && to.OutOfScope {
		p *= 0.5
	}
	return p
}

// IsEntry reports whether the component is an untrusted entry point.
func (g *Graph) IsEntry(id string) bool {
	n, ok := g.node[id]
	return ok && g.entry[n]
}

// Reach holds, for every component, the most likely way in from any entry point.
type Reach struct {
	g    *Graph
	cost []float64
	prev []int // predecessor node, -1 at an entry or when unreachable
	via  []*model.Flow
}

// Reachable runs one multi-source shortest-path search (Dijkstra on
// -ln probability) from all entry points: O((V+E) log V).
func (g *Graph) Reachable() *Reach {
	n := len(g.ids)
	r := &Reach{g: g, cost: make([]float64, n), prev: make([]int, n), via: make([]*model.Flow, n)}
	pq := &queue{}
	for i := range r.cost {
		r.cost[i] = math.Inf(1)
		r.prev[i] = -1
		if g.entry[i] {
			r.cost[i] = 0
			heap.Push(pq, item{i, 0})
		}
	}
	for pq.Len() > 0 {
		it := heap.Pop(pq).(item)
		if it.cost > r.cost[it.node] {
			continue
		}
		for _, e := range g.out[it.node] {
			c := it.cost + e.cost
			if c < r.cost[e.to]-1e-12 || (math.Abs(c-r.cost[e.to]) <= 1e-12 && r.prev[e.to] >= 0 && g.ids[it.node] < g.ids[r.prev[e.to]]) {
				r.cost[e.to], r.prev[e.to], r.via[e.to] = c, it.node, e.flow
				heap.Push(pq, item{e.to, c})
			}
		}
	}
	return r
}

// Exposed reports whether an attacker can reach the component from an entry point.
func (r *Reach) Exposed(id string) bool {
	n, ok := r.g.node[id]
	return ok && !math.IsInf(r.cost[n], 1)
}

// Probability is the likelihood (0..1) of the best path into the component.
func (r *Reach) Probability(id string) float64 {
	n, ok := r.g.node[id]
	if !ok {
		return 0
	}
	return math.Exp(-r.cost[n])
}

// Path is a route from an entry point to a component.
type Path struct {
	// Components lists the component ids from the entry point to the target.
	Components []string `json:"components"`
	// Flows lists the flow ids taken, one fewer than Components.
	Flows []string `json:"flows"`
	// Likelihood is the product of the step probabilities (0..1).
	Likelihood float64 `json:"likelihood"`
}

// PathTo returns the most likely path into a component, or false when none.
func (r *Reach) PathTo(id string) (Path, bool) {
	n, ok := r.g.node[id]
	if !ok || math.IsInf(r.cost[n], 1) {
		return Path{}, false
	}
	var comps, flows []string
	for cur := n; cur >= 0; cur = r.prev[cur] {
		comps = append(comps, r.g.ids[cur])
		if r.via[cur] != nil {
			flows = append(flows, r.via[cur].ID)
		}
		if len(comps) > len(r.g.ids) {
			break
		}
	}
	reverse(comps)
	reverse(flows)
	return Path{Components: comps, Flows: flows, Likelihood: round3(math.Exp(-r.cost[n]))}, true
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func reverse(s []string) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// AttackPath is the most likely path from an untrusted entry point to a
// component holding a confidential or restricted data asset.
type AttackPath struct {
	Data           string               `json:"data"`
	Classification model.Classification `json:"classification"`
	Target         string               `json:"target"`
	Path
}

// AttackPaths returns, for each confidential or restricted data asset, the
// most likely path to a component storing or processing it, most likely first.
func (r *Reach) AttackPaths() []AttackPath {
	holders := map[string][]string{}
	for i := range r.g.m.Components {
		c := &r.g.m.Components[i]
		for _, list := range [][]string{c.Stores, c.Processes} {
			for _, d := range list {
				holders[d] = append(holders[d], c.ID)
			}
		}
	}
	var out []AttackPath
	for i := range r.g.m.Data {
		d := &r.g.m.Data[i]
		if d.Classification.Level() < 2 {
			continue
		}
		best, found := AttackPath{}, false
		for _, h := range holders[d.ID] {
			if c := r.g.ix.Components[h]; c == nil || c.Type.Kind() == model.KindExternalEntity {
				continue // data held outside the system is not this system's to lose
			}
			p, ok := r.PathTo(h)
			if !ok {
				continue
			}
			if !found || p.Likelihood > best.Likelihood || (p.Likelihood == best.Likelihood && len(p.Components) < len(best.Components)) {
				best, found = AttackPath{Data: d.ID, Classification: d.Classification, Target: h, Path: p}, true
			}
		}
		if found {
			out = append(out, best)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Likelihood != out[j].Likelihood {
			return out[i].Likelihood > out[j].Likelihood
		}
		if out[i].Classification.Level() != out[j].Classification.Level() {
			return out[i].Classification.Level() > out[j].Classification.Level()
		}
		return out[i].Data < out[j].Data
	})
	return out
}

type item struct {
	node int
	cost float64
}

type queue []item

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].cost != q[j].cost {
		return q[i].cost < q[j].cost
	}
	return q[i].node < q[j].node
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
