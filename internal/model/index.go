package model

// Element kinds named in the index.
const (
	ElemData      = "data asset"
	ElemComponent = "component"
	ElemBoundary  = "trust boundary"
	ElemFlow      = "flow"
	ElemControl   = "control"
	ElemThreat    = "threat"
)

// Index gives fast access to a model's elements by id and to its structure.
// It is built once per model (see Model.Index) and must not be modified.
type Index struct {
	Data       map[string]*DataAsset
	Components map[string]*Component
	Boundaries map[string]*TrustBoundary
	Flows      map[string]*Flow
	Controls   map[string]*Control
	Threats    map[string]*ManualThreat
	// Parent maps a component or boundary id to the id of the boundary directly holding it.
	Parent map[string]string
	// Outgoing and Incoming list the flows leaving and entering each component.
	Outgoing map[string][]*Flow
	Incoming map[string][]*Flow
	kinds    map[string]string
}

// Index returns the model's index, building it on first use. Call it only
// after loading has finished; it is not safe for concurrent first use.
func (m *Model) Index() *Index {
	if m.index == nil {
		m.index = buildIndex(m)
	}
	return m.index
}

// Reindex drops the cached index, for callers that changed the model.
func (m *Model) Reindex() { m.index = nil }

func buildIndex(m *Model) *Index {
	ix := &Index{
		Data:       make(map[string]*DataAsset, len(m.Data)),
		Components: make(map[string]*Component, len(m.Components)),
		Boundaries: make(map[string]*TrustBoundary, len(m.TrustBoundaries)),
		Flows:      make(map[string]*Flow, len(m.Flows)),
		Controls:   make(map[string]*Control, len(m.Controls)),
		Threats:    make(map[string]*ManualThreat, len(m.Threats)),
		Parent:     make(map[string]string, len(m.Components)+len(m.TrustBoundaries)),
		Outgoing:   make(map[string][]*Flow, len(m.Components)),
		Incoming:   make(map[string][]*Flow, len(m.Components)),
		kinds:      make(map[string]string, len(m.Data)+len(m.Components)+len(m.TrustBoundaries)+len(m.Flows)),
	}
	for i := range m.Data {
		d := &m.Data[i]
		if _, dup := ix.Data[d.ID]; !dup {
			ix.Data[d.ID] = d
		}
		ix.kind(d.ID, ElemData)
	}
	for i := range m.Components {
		c := &m.Components[i]
		if _, dup := ix.Components[c.ID]; !dup {
			ix.Components[c.ID] = c
		}
		ix.kind(c.ID, ElemComponent)
	}
	for i := range m.TrustBoundaries {
		b := &m.TrustBoundaries[i]
		if _, dup := ix.Boundaries[b.ID]; !dup {
			ix.Boundaries[b.ID] = b
		}
		ix.kind(b.ID, ElemBoundary)
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		if _, dup := ix.Flows[f.ID]; !dup {
			ix.Flows[f.ID] = f
		}
		ix.kind(f.ID, ElemFlow)
		ix.Outgoing[f.From] = append(ix.Outgoing[f.From], f)
		ix.Incoming[f.To] = append(ix.Incoming[f.To], f)
	}
	for i := range m.Controls {
		c := &m.Controls[i]
		if _, dup := ix.Controls[c.ID]; !dup {
			ix.Controls[c.ID] = c
		}
		ix.kind(c.ID, ElemControl)
	}
	for i := range m.Threats {
		t := &m.Threats[i]
		if _, dup := ix.Threats[t.ID]; !dup {
			ix.Threats[t.ID] = t
		}
		ix.kind(t.ID, ElemThreat)
	}
	// Boundary membership: contains lists first, then components' own trust_boundary.
	for i := range m.TrustBoundaries {
		b := &m.TrustBoundaries[i]
		for _, id := range b.Contains {
			if _, ok := ix.Parent[id]; !ok && id != b.ID {
				ix.Parent[id] = b.ID
			}
		}
	}
	for i := range m.Components {
		c := &m.Components[i]
		if c.TrustBoundary != "" {
			if _, ok := ix.Parent[c.ID]; !ok {
				ix.Parent[c.ID] = c.TrustBoundary
			}
		}
	}
	return ix
}

func (ix *Index) kind(id, k string) {
	if _, ok := ix.kinds[id]; !ok {
		ix.kinds[id] = k
	}
}

// Kind returns what kind of element id names ("" when none).
func (ix *Index) Kind(id string) string { return ix.kinds[id] }

// BoundaryChain returns the chain of trust boundaries holding id, innermost first.
func (ix *Index) BoundaryChain(id string) []string {
	var chain []string
	for p, ok := ix.Parent[id]; ok && len(chain) <= len(ix.Boundaries); p, ok = ix.Parent[p] {
		chain = append(chain, p)
	}
	return chain
}

// Crosses reports whether a flow between a and b crosses a trust boundary:
// the two components are not directly in the same boundary.
func (ix *Index) Crosses(a, b string) bool {
	return ix.Parent[a] != ix.Parent[b]
}

// CrossesNetwork reports whether a flow between a and b crosses a network
// trust boundary (not only container or execution-environment boundaries).
func (ix *Index) CrossesNetwork(a, b string) bool {
	return ix.networkOf(a) != ix.networkOf(b)
}

func (ix *Index) networkOf(id string) string {
	for _, p := range ix.BoundaryChain(id) {
		if b := ix.Boundaries[p]; b != nil && b.Type.Network() {
			return p
		}
	}
	return ""
}

// DataOf returns the data assets a component processes or stores, without duplicates.
func (ix *Index) DataOf(c *Component) []*DataAsset {
	var out []*DataAsset
	seen := map[string]bool{}
	for _, list := range [][]string{c.Stores, c.Processes} {
		for _, id := range list {
			if d := ix.Data[id]; d != nil && !seen[id] {
				seen[id] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// FlowData returns the data assets a flow carries in either direction, without duplicates.
func (ix *Index) FlowData(f *Flow) []*DataAsset {
	var out []*DataAsset
	seen := map[string]bool{}
	for _, list := range [][]string{f.DataSent, f.DataReceived} {
		for _, id := range list {
			if d := ix.Data[id]; d != nil && !seen[id] {
				seen[id] = true
				out = append(out, d)
			}
		}
	}
	return out
}
