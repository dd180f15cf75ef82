// Package graph holds the model's element graph: which components an
// attacker can reach from untrusted entry points, and the k most likely
// attack paths from each entry point to valuable data. It does no I/O.
package graph

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sort"
	"strings"

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
	// client marks the client programs (Options.Client): their own data is
	// no path's target from themselves, a path from one takes a step in.
	client []bool
}

type edge struct {
	to   int
	flow *model.Flow
	// cost is -ln(probability that an attacker holding the caller gets through).
	cost float64
}

// Options tune the graph.
type Options struct {
	// Client reports whether a component is a client program or device
	// people use (a browser, mobile or desktop app): such clients are entry
	// points too, since whoever holds one can send anything from it. The
	// analysis passes the rule vocabulary's client test (threats.Env.IsClient).
	Client func(*model.Component) bool
	// Guard reports whether a component filters traffic for what is behind
	// it (a CDN, WAF, API gateway or load balancer). An internet-facing
	// guard that an untrusted entry point (a person, a third party, a
	// client) calls is no entry point of its own: attackers come through
	// it, so their paths start at that caller and pass the guard. The
	// analysis passes threats.Env.Guard.
	Guard func(*model.Component) bool
}

// New builds the graph of a model. Entry points are external entities,
// internet-facing components and, with opts.Client, client programs; with
// opts.Guard, not an internet-facing guard an untrusted entry point calls.
func New(m *model.Model, opts Options) *Graph {
	ix := m.Index()
	g := &Graph{m: m, ix: ix, node: make(map[string]int, len(m.Components))}
	for i := range m.Components {
		c := &m.Components[i]
		if _, dup := g.node[c.ID]; dup {
			continue
		}
		g.node[c.ID] = len(g.ids)
		g.ids = append(g.ids, c.ID)
		isClient := opts.Client != nil && opts.Client(c)
		g.client = append(g.client, isClient)
		g.entry = append(g.entry, c.Type.Kind() == model.KindExternalEntity || c.InternetFacing || isClient)
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
	if opts.Guard != nil {
		g.demoteGuards(opts)
	}
	return g
}

// demoteGuards takes the internet-facing guards that an untrusted entry
// point calls out of the entry points (see Options.Guard).
func (g *Graph) demoteGuards(opts Options) {
	untrusted := make([]bool, len(g.ids))
	for n, id := range g.ids {
		untrusted[n] = g.ix.Components[id].Type.Kind() == model.KindExternalEntity || g.client[n]
	}
	var demote []int
	for a := range g.out {
		if !untrusted[a] {
			continue
		}
		for _, e := range g.out[a] {
			if c := g.ix.Components[g.ids[e.to]]; g.entry[e.to] && !untrusted[e.to] && opts.Guard(c) {
				demote = append(demote, e.to)
			}
		}
	}
	for _, n := range demote {
		g.entry[n] = false
	}
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
	g     *Graph
	order map[string]int // data asset id -> position in the model, built on use
	cost  []float64
	prev  []int // predecessor node, -1 at an entry or when unreachable (breaks ties)
}

// Reachable runs one multi-source shortest-path search (Dijkstra on
// -ln probability) from all entry points: O((V+E) log V).
func (g *Graph) Reachable() *Reach {
	n := len(g.ids)
	r := &Reach{g: g, cost: make([]float64, n), prev: make([]int, n)}
	pq := &Queue[int]{}
	for i := range r.cost {
		r.cost[i] = math.Inf(1)
		r.prev[i] = -1
		if g.entry[i] {
			r.cost[i] = 0
			heap.Push(pq, Item[int]{Key: i})
		}
	}
	for pq.Len() > 0 {
		it := heap.Pop(pq).(Item[int])
		if it.Cost > r.cost[it.Key] {
			continue
		}
		for _, e := range g.out[it.Key] {
			c := it.Cost + e.cost
			if c < r.cost[e.to]-1e-12 || (math.Abs(c-r.cost[e.to]) <= 1e-12 && r.prev[e.to] >= 0 && g.ids[it.Key] < g.ids[r.prev[e.to]]) {
				r.cost[e.to], r.prev[e.to] = c, it.Key
				heap.Push(pq, Item[int]{Key: e.to, Cost: c})
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

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// AttackPath is one of the most likely paths from an entry point to a
// component holding confidential or restricted data.
type AttackPath struct {
	// Entry is the entry point the path starts at (Components[0]).
	Entry string `json:"entry"`
	// Data is the most valuable data asset the target holds, Classification its classification.
	Data           string               `json:"data"`
	Classification model.Classification `json:"classification"`
	// OtherData lists the target's other confidential or restricted data,
	// most valuable first: one path, not one per data asset.
	OtherData []string `json:"other_data,omitempty"`
	Target    string   `json:"target"`
	Path
}

// DefaultPathsPerEntry is how many paths AttackPaths keeps per entry point
// unless told otherwise.
const DefaultPathsPerEntry = 3

// AttackPaths returns up to k of the most likely paths from each entry
// point to the components holding confidential or restricted data (k < 1
// means DefaultPathsPerEntry), most likely first.
//
// A path is a sequence of components; the data a target holds is listed on
// the one path to it, so paths never differ only in the data asset. A path
// does not pass through another entry point: the attacker could start
// there, and that entry point's own paths show it. Each entry point's paths
// come from a best-first search over simple paths in which a component is
// expanded at most k times, O(k·E·log E) per entry point.
func (r *Reach) AttackPaths(k int) []AttackPath {
	if k < 1 {
		k = DefaultPathsPerEntry
	}
	g := r.g
	held := r.heldData()
	var out []AttackPath
	for s := range g.ids {
		if !g.entry[s] {
			continue
		}
		out = append(out, g.bestPaths(s, k, held)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if a.Likelihood != b.Likelihood {
			return a.Likelihood > b.Likelihood
		}
		if la, lb := a.Classification.Level(), b.Classification.Level(); la != lb {
			return la > lb
		}
		if len(a.Components) != len(b.Components) {
			return len(a.Components) < len(b.Components)
		}
		return strings.Join(a.Components, "\x00") < strings.Join(b.Components, "\x00")
	})
	return out
}

// holding is the valuable data one component holds, most valuable first.
type holding struct {
	data []string
	top  model.Classification
}

// heldData returns, by node, the confidential or restricted data assets
// the component stores or processes. Data held by external entities is not
// this system's to lose.
func (r *Reach) heldData() map[int]*holding {
	g := r.g
	out := map[int]*holding{}
	for j := range g.m.Components {
		c := &g.m.Components[j]
		if c.Type.Kind() == model.KindExternalEntity {
			continue
		}
		n, ok := g.node[c.ID]
		if !ok || g.ids[n] != c.ID {
			continue
		}
		for _, list := range [][]string{c.Stores, c.Processes} {
			for _, id := range list {
				d := g.ix.Data[id]
				if d == nil || d.Classification.Level() < 2 {
					continue
				}
				h := out[n]
				if h == nil {
					h = &holding{}
					out[n] = h
				}
				if !slices.Contains(h.data, id) {
					h.data = append(h.data, id)
				}
			}
		}
	}
	for _, h := range out {
		// Most valuable first, then in the model's order of data assets.
		sort.SliceStable(h.data, func(a, b int) bool {
			da, db := g.ix.Data[h.data[a]], g.ix.Data[h.data[b]]
			if la, lb := da.Classification.Level(), db.Classification.Level(); la != lb {
				return la > lb
			}
			return r.dataOrder(da.ID) < r.dataOrder(db.ID)
		})
		h.top = g.ix.Data[h.data[0]].Classification
	}
	return out
}

// dataOrder is a data asset's position in the model.
func (r *Reach) dataOrder(id string) int {
	if r.order == nil {
		r.order = make(map[string]int, len(r.g.m.Data))
		for i := range r.g.m.Data {
			if _, dup := r.order[r.g.m.Data[i].ID]; !dup {
				r.order[r.g.m.Data[i].ID] = i
			}
		}
	}
	return r.order[id]
}

// partial is a path in the best-first search: its last node, cost, and the
// partial path it extends (nil at the entry point).
type partial struct {
	node int
	cost float64
	via  *model.Flow
	prev *partial
	len  int
}

func (p *partial) contains(n int) bool {
	for q := p; q != nil; q = q.prev {
		if q.node == n {
			return true
		}
	}
	return false
}

// bestPaths returns up to k most likely simple paths from entry s to
// components holding valuable data, not passing through other entry points.
func (g *Graph) bestPaths(s, k int, held map[int]*holding) []AttackPath {
	var out []AttackPath
	popped := map[int]int{}
	pq := &pathQueue{{node: s, len: 1}}
	for pq.Len() > 0 && len(out) < k {
		p := heap.Pop(pq).(*partial)
		if popped[p.node] >= k {
			continue
		}
		popped[p.node]++
		if h := held[p.node]; h != nil && (p.len > 1 || !g.client[s]) {
			out = append(out, g.attackPath(p, h))
		}
		for _, e := range g.out[p.node] {
			if g.entry[e.to] || p.contains(e.to) {
				continue
			}
			heap.Push(pq, &partial{node: e.to, cost: p.cost + e.cost, via: e.flow, prev: p, len: p.len + 1})
		}
	}
	return out
}

func (g *Graph) attackPath(p *partial, h *holding) AttackPath {
	comps := make([]string, p.len)
	flows := make([]string, p.len-1)
	for q, i := p, p.len-1; q != nil; q, i = q.prev, i-1 {
		comps[i] = g.ids[q.node]
		if q.via != nil {
			flows[i-1] = q.via.ID
		}
	}
	var other []string
	if len(h.data) > 1 {
		other = slices.Clone(h.data[1:])
	}
	return AttackPath{Entry: comps[0], Data: h.data[0], Classification: h.top, OtherData: other,
		Target: comps[len(comps)-1], Path: Path{Components: comps, Flows: flows, Likelihood: round3(math.Exp(-p.cost))}}
}

// pathQueue orders partial paths by cost, then length, then last node,
// so that the search is deterministic.
type pathQueue []*partial

func (q pathQueue) Len() int { return len(q) }
func (q pathQueue) Less(i, j int) bool {
	if q[i].cost != q[j].cost {
		return q[i].cost < q[j].cost
	}
	if q[i].len != q[j].len {
		return q[i].len < q[j].len
	}
	return q[i].node < q[j].node
}
func (q pathQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *pathQueue) Push(x any)   { *q = append(*q, x.(*partial)) }
func (q *pathQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// Item is an entry of a Queue: a key and the cost to reach it.
type Item[K cmp.Ordered] struct {
	Key  K
	Cost float64
}

// Queue is a min-priority queue of Items for container/heap, cheapest
// first, equal costs by key, so that shortest-path searches are
// deterministic.
type Queue[K cmp.Ordered] []Item[K]

func (q Queue[K]) Len() int { return len(q) }
func (q Queue[K]) Less(i, j int) bool {
	if q[i].Cost != q[j].Cost {
		return q[i].Cost < q[j].Cost
	}
	return q[i].Key < q[j].Key
}
func (q Queue[K]) Swap(i, j int) { q[i], q[j] = q[j], q[i] }

// Push implements heap.Interface.
func (q *Queue[K]) Push(x any) { *q = append(*q, x.(Item[K])) }

// Pop implements heap.Interface.
func (q *Queue[K]) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
