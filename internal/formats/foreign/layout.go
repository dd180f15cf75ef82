package foreign

import (
	"sort"

	"github.com/rampart-sec/rampart/internal/model"
)

// Rect is a diagram rectangle (y grows downwards).
type Rect struct{ X, Y, W, H float64 }

// Layout is where a diagram draws each component and trust boundary.
type Layout struct {
	Nodes map[string]Rect
	Boxes map[string]Rect
}

// Layout spacing, in diagram units.
const (
	colGap   = 120.0
	rowGap   = 60.0
	padSide  = 30.0
	padTop   = 50.0
	padBot   = 30.0
	emptyW   = 200.0
	emptyH   = 120.0
	marginXY = 40.0
)

// Arrange lays a model out left to right: each component's column is its
// depth in the flow graph from the entry points (components nobody calls,
// and external entities); trust boundaries are boxes around their members,
// laid out the same way inside, so boxes never overlap and always enclose
// what they hold. size gives each component's width and height.
func Arrange(m *model.Model, size func(c *model.Component) (w, h float64)) Layout {
	ix := m.Index()
	depth := depths(m, ix)
	l := Layout{Nodes: map[string]Rect{}, Boxes: map[string]Rect{}}
	children := map[string][]string{} // boundary id ("" = root) -> members
	for _, c := range m.Components {
		p := ix.Parent[c.ID]
		if ix.Boundaries[p] == nil {
			p = ""
		}
		children[p] = append(children[p], c.ID)
	}
	for _, b := range m.TrustBoundaries {
		p := ix.Parent[b.ID]
		if ix.Boundaries[p] == nil || p == b.ID {
			p = ""
		}
		children[p] = append(children[p], b.ID)
	}
	type block struct {
		w, h  float64
		items []placed
	}
	var minDepth func(id string, seen map[string]bool) int
	minDepth = func(id string, seen map[string]bool) int {
		if ix.Components[id] != nil {
			return depth[id]
		}
		if seen[id] {
			return 1 << 30
		}
		seen[id] = true
		best := 1 << 30
		for _, ch := range children[id] {
			if d := minDepth(ch, seen); d < best {
				best = d
			}
		}
		return best
	}
	var build func(id string, seen map[string]bool) block
	build = func(id string, seen map[string]bool) block {
		seen[id] = true
		type entry struct {
			id   string
			d    int
			blk  *block
			w, h float64
		}
		var entries []entry
		for _, ch := range children[id] {
			e := entry{id: ch, d: minDepth(ch, map[string]bool{})}
			if c := ix.Components[ch]; c != nil {
				e.w, e.h = size(c)
			} else {
				if seen[ch] {
					continue // a nesting cycle; validation reports it
				}
				b := build(ch, seen)
				e.blk, e.w, e.h = &b, b.w, b.h
			}
			entries = append(entries, e)
		}
		sort.SliceStable(entries, func(i, j int) bool {
			if entries[i].d != entries[j].d {
				return entries[i].d < entries[j].d
			}
			return entries[i].id < entries[j].id
		})
		// Group into columns by depth.
		var out block
		x := 0.0
		maxH := 0.0
		for i := 0; i < len(entries); {
			j := i
			colW, y := 0.0, 0.0
			for ; j < len(entries) && entries[j].d == entries[i].d; j++ {
				e := entries[j]
				if e.w > colW {
					colW = e.w
				}
			}
			for k := i; k < j; k++ {
				e := entries[k]
				px := x + (colW-e.w)/2
				out.items = append(out.items, placed{id: e.id, x: px, y: y, w: e.w, h: e.h})
				if e.blk != nil {
					for _, in := range e.blk.items {
						out.items = append(out.items, placed{id: in.id, x: px + in.x, y: y + in.y, w: in.w, h: in.h})
					}
				}
				y += e.h + rowGap
			}
			if y-rowGap > maxH {
				maxH = y - rowGap
			}
			x += colW + colGap
			i = j
		}
		if len(entries) > 0 {
			out.w, out.h = x-colGap, maxH
		}
		if id != "" {
			// Pad for the boundary's frame and label.
			for i := range out.items {
				out.items[i].x += padSide
				out.items[i].y += padTop
			}
			out.w += 2 * padSide
			out.h += padTop + padBot
			if len(entries) == 0 {
				out.w, out.h = emptyW, emptyH
			}
		}
		return out
	}
	root := build("", map[string]bool{})
	for _, it := range root.items {
		r := Rect{X: it.x + marginXY, Y: it.y + marginXY, W: it.w, H: it.h}
		if ix.Components[it.id] != nil {
			l.Nodes[it.id] = r
		} else {
			l.Boxes[it.id] = r
		}
	}
	return l
}

type placed struct {
	id         string
	x, y, w, h float64
}

// depths is each component's column: its distance along flows from the
// entry points (the external entities; when there are none, the components
// nobody calls). A component no entry point reaches sits one column before
// the nearest component it calls.
func depths(m *model.Model, ix *model.Index) map[string]int {
	depth := map[string]int{}
	var queue []string
	bfs := func() {
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			for _, f := range ix.Outgoing[id] {
				if _, ok := depth[f.To]; !ok && ix.Components[f.To] != nil {
					depth[f.To] = depth[id] + 1
					queue = append(queue, f.To)
				}
			}
		}
	}
	start := func(keep func(c *model.Component) bool) {
		for i := range m.Components {
			c := &m.Components[i]
			if _, ok := depth[c.ID]; !ok && keep(c) {
				depth[c.ID] = 0
				queue = append(queue, c.ID)
			}
		}
		bfs()
	}
	start(func(c *model.Component) bool { return c.Type.Kind() == model.KindExternalEntity })
	if len(depth) == 0 {
		start(func(c *model.Component) bool { return len(ix.Incoming[c.ID]) == 0 })
	}
	for len(depth) < len(ix.Components) {
		// Place unreached callers just before what they call.
		changed := false
		for _, c := range m.Components {
			if _, ok := depth[c.ID]; ok {
				continue
			}
			best := -1
			for _, f := range ix.Outgoing[c.ID] {
				if d, ok := depth[f.To]; ok && (best < 0 || d < best) {
					best = d
				}
			}
			if best >= 0 {
				depth[c.ID] = max(0, best-1)
				queue = append(queue, c.ID)
				changed = true
			}
		}
		bfs()
		if !changed {
			// An island nobody reaches: start it from its first component.
			for _, c := range m.Components {
				if _, ok := depth[c.ID]; !ok {
					depth[c.ID] = 0
					queue = append(queue, c.ID)
					break
				}
			}
			bfs()
		}
	}
	return depth
}
