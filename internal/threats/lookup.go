package threats

import (
	"unsafe"

	"github.com/rampart-sec/rampart/internal/model"
)

// Rules ask the same questions of the same elements many times over (every
// rule rates the data of every component, names the ends of every flow),
// and each answer took several lookups by id in the model's index. The
// environment answers them once, when it is built, into the tables below;
// a rule's question then costs one lookup by id, or none when the rule
// holds the element itself. The tables are read-only once built.

// elemFacts are the precomputed answers about one element id.
type elemFacts struct {
	name    string
	pos     model.Pos
	rating  Rating
	network string
	// atStake is DataAtStake of the id alone; callers get a copy.
	atStake []string
	// listed and addressedBy are the control ids listed on the element and
	// those that may address its threats (see addressedByOf).
	listed, addressedBy []string
}

// compFacts are the precomputed answers about one component, by its
// position in the model's list.
type compFacts struct {
	traits Trait
}

// flowFacts are the precomputed answers about one flow, by its position in
// the model's list.
type flowFacts struct {
	from, to       *model.Component
	crossesNetwork bool
}

// precompute fills the tables; the index and controls must be set.
func (e *Env) precompute() {
	m := e.M
	n := len(m.Components) + len(m.Flows) + len(m.Data) + len(m.TrustBoundaries)
	e.facts = make(map[string]*elemFacts, n)
	// One allocation for every element's facts; an id's facts are those of
	// the element its lookups find first, as the index keeps the first of
	// duplicates and the questions look at components, flows, data, then
	// boundaries.
	all := make([]elemFacts, 0, n)
	add := func(id string) {
		if _, done := e.facts[id]; done {
			return
		}
		all = append(all, elemFacts{name: e.nameOf(id), pos: e.posOf(id), rating: e.rateOf(id),
			network: e.networkOf(id), atStake: e.dataAtStake([]string{id}), listed: e.listedOf(id), addressedBy: e.addressedByOf(id)})
		f := &all[len(all)-1]
		e.facts[id] = f
		for _, c := range f.addressedBy {
			if e.controlFacts[c] == nil {
				e.controlFacts[c] = e.controlFactsOf(c)
			}
		}
	}
	e.controlFacts = map[string]*controlFact{}
	for i := range m.Components {
		add(m.Components[i].ID)
	}
	for i := range m.Flows {
		add(m.Flows[i].ID)
	}
	for i := range m.Data {
		add(m.Data[i].ID)
	}
	for i := range m.TrustBoundaries {
		add(m.TrustBoundaries[i].ID)
	}
	e.comps = make([]compFacts, len(m.Components))
	for i := range m.Components {
		e.comps[i].traits = TraitsOf(&m.Components[i])
	}
	e.flowFacts = make([]flowFacts, len(m.Flows))
	for i := range m.Flows {
		f := &m.Flows[i]
		e.flowFacts[i] = flowFacts{from: e.Ix.Components[f.From], to: e.Ix.Components[f.To],
			crossesNetwork: e.Network(f.From) != e.Network(f.To)}
	}
}

// position returns the position of p in list, or -1 when p does not point
// at an item of list. It compares addresses only: no pointer is made.
func position[T any](list []T, p *T) int {
	if len(list) == 0 || p == nil {
		return -1
	}
	base, at := uintptr(unsafe.Pointer(&list[0])), uintptr(unsafe.Pointer(p))
	if at < base {
		return -1
	}
	i := (at - base) / unsafe.Sizeof(list[0])
	if i >= uintptr(len(list)) || &list[i] != p {
		return -1
	}
	return int(i)
}

// flowFact returns the facts of a flow of the model, nil for any other flow.
func (e *Env) flowFact(f *model.Flow) *flowFacts {
	if i := position(e.M.Flows, f); i >= 0 && i < len(e.flowFacts) {
		return &e.flowFacts[i]
	}
	return nil
}
