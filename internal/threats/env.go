package threats

import (
	"sort"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
)

// Env is what a rule sees: the model, its index and helpers that answer the
// questions rules ask ("is this flow authenticated?", "does this component
// hold confidential data?"). It is read-only.
type Env struct {
	M  *model.Model
	Ix *model.Index
	// controls maps a declared control id to its state.
	controls map[string]*model.Control
	inScope  []*model.Component
	flows    []*model.Flow
}

// NewEnv prepares the environment rules run in.
func NewEnv(m *model.Model) *Env {
	e := &Env{M: m, Ix: m.Index(), controls: map[string]*model.Control{}}
	for i := range m.Controls {
		c := &m.Controls[i]
		if _, dup := e.controls[c.ID]; !dup {
			e.controls[c.ID] = c
		}
	}
	for i := range m.Components {
		if c := &m.Components[i]; !c.OutOfScope {
			e.inScope = append(e.inScope, c)
		}
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		from, to := e.Ix.Components[f.From], e.Ix.Components[f.To]
		if from == nil || to == nil || (from.OutOfScope && to.OutOfScope) {
			continue
		}
		e.flows = append(e.flows, f)
	}
	return e
}

// Components returns the components in scope, in model order.
func (e *Env) Components() []*model.Component { return e.inScope }

// Flows returns the flows touching at least one in-scope component, in model order.
func (e *Env) Flows() []*model.Flow { return e.flows }

// Component returns the component with the given id, or nil.
func (e *Env) Component(id string) *model.Component { return e.Ix.Components[id] }

// Source and Target return a flow's endpoints.
func (e *Env) Source(f *model.Flow) *model.Component { return e.Ix.Components[f.From] }

// Target returns the component a flow goes to.
func (e *Env) Target(f *model.Flow) *model.Component { return e.Ix.Components[f.To] }

// Pos returns the source position of an element.
func (e *Env) Pos(id string) model.Pos {
	ix := e.Ix
	if c := ix.Components[id]; c != nil {
		return c.Pos
	}
	if f := ix.Flows[id]; f != nil {
		return f.Pos
	}
	if d := ix.Data[id]; d != nil {
		return d.Pos
	}
	if b := ix.Boundaries[id]; b != nil {
		return b.Pos
	}
	if t := ix.Threats[id]; t != nil {
		return t.Pos
	}
	return e.M.System.Pos
}

// implements reports the catalog id a listed control stands for and whether it is implemented.
func (e *Env) resolve(id string) (catalogID string, implemented bool) {
	if c := e.controls[id]; c != nil {
		cid := c.Catalog
		if cid == "" {
			cid = c.ID
		}
		return cid, c.Status == "implemented"
	}
	if _, ok := catalog.LookupControl(id); ok {
		return id, true // a catalog id listed on an element without a declaration is in place
	}
	return id, false
}

// listed returns the control ids on an element (component, or flow plus its target).
func (e *Env) listed(id string) []string {
	if c := e.Ix.Components[id]; c != nil {
		return c.Controls
	}
	if f := e.Ix.Flows[id]; f != nil {
		if to := e.Ix.Components[f.To]; to != nil {
			return append(append([]string{}, f.Controls...), to.Controls...)
		}
		return f.Controls
	}
	return nil
}

// Has reports whether an implemented control with the catalog id is on the
// element (a component, or a flow or the component it goes to).
func (e *Env) Has(elementID, control string) bool {
	for _, id := range e.listed(elementID) {
		if cid, ok := e.resolve(id); ok && cid == control {
			return true
		}
	}
	return false
}

// addressing returns the implemented and planned controls on the targets
// (for a flow: on the flow and both its ends) that address a threat: the rule's recommended catalog controls, and the
// model's own controls that say they mitigate the rule or one of its categories.
func (e *Env) addressing(rule string, stride []model.STRIDE, recommended []string, targets []string) (inPlace, planned []string) {
	want := map[string]bool{}
	for _, c := range recommended {
		want[c] = true
	}
	seen := map[string]bool{}
	for _, t := range targets {
		ids := e.listed(t)
		if f := e.Ix.Flows[t]; f != nil {
			// A flow's threat is also addressed by a recommended control on
			// its caller: egress filtering against SSRF, a signing pipeline.
			if from := e.Ix.Components[f.From]; from != nil {
				ids = append(ids[:len(ids):len(ids)], from.Controls...)
			}
		}
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			cid, impl := e.resolve(id)
			ok := want[cid] || want[id]
			if c := e.controls[id]; c != nil && !ok {
				for _, mit := range c.Mitigates {
					if mit == rule {
						ok = true
					}
					for _, s := range stride {
						if mit == string(s) {
							ok = true
						}
					}
				}
			}
			if !ok {
				continue
			}
			if impl {
				inPlace = append(inPlace, id)
			} else {
				planned = append(planned, id)
			}
		}
	}
	sort.Strings(inPlace)
	sort.Strings(planned)
	return inPlace, planned
}

// DataAtStake returns the data assets the elements handle, most valuable first.
func (e *Env) DataAtStake(ids ...string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(list []string) {
		for _, d := range list {
			if !seen[d] && e.Ix.Data[d] != nil {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	for _, id := range ids {
		if c := e.Ix.Components[id]; c != nil {
			add(c.Stores)
			add(c.Processes)
		} else if f := e.Ix.Flows[id]; f != nil {
			add(f.DataSent)
			add(f.DataReceived)
		} else if e.Ix.Data[id] != nil {
			add([]string{id})
		}
	}
	return e.sortByValue(out)
}

// Value scores a data asset for ranking: classification first, then the highest CIA rating.
func (e *Env) Value(id string) int {
	d := e.Ix.Data[id]
	if d == nil {
		return 0
	}
	return d.Classification.Level()*10 + max(d.CIA.Confidentiality.Score(), d.CIA.Integrity.Score(), d.CIA.Availability.Score())
}

func (e *Env) sortByValue(ids []string) []string {
	out := append([]string(nil), ids...)
	sort.SliceStable(out, func(i, j int) bool {
		vi, vj := e.Value(out[i]), e.Value(out[j])
		if vi != vj {
			return vi > vj
		}
		return out[i] < out[j]
	})
	return out
}

// MaxClass returns the highest classification level (0..3) of the data a
// component processes or stores, or a flow carries.
func (e *Env) MaxClass(id string) int {
	level := 0
	for _, d := range e.DataAtStake(id) {
		level = max(level, e.Ix.Data[d].Classification.Level())
	}
	return level
}

// Sensitive reports whether an element handles confidential or restricted data.
func (e *Env) Sensitive(id string) bool { return e.MaxClass(id) >= 2 }

// Personal reports whether an element handles personal data.
func (e *Env) Personal(id string) bool {
	for _, d := range e.DataAtStake(id) {
		if e.Ix.Data[d].Personal {
			return true
		}
	}
	return false
}

// Untrusted reports whether a component is outside the system's control or
// reachable by anyone: an external entity or an internet-facing component.
func (e *Env) Untrusted(c *model.Component) bool {
	return c != nil && (c.Type.Kind() == model.KindExternalEntity || c.InternetFacing)
}

// Authenticated reports whether a flow authenticates its caller.
func (e *Env) Authenticated(f *model.Flow) bool {
	return f.Authentication != "" && f.Authentication != "none"
}

// Encrypted reports whether a flow is encrypted in transit.
func (e *Env) Encrypted(f *model.Flow) bool { return f.EffectiveEncryption() != "none" }

// Crosses reports whether a flow crosses a trust boundary.
func (e *Env) Crosses(f *model.Flow) bool { return e.Ix.Crosses(f.From, f.To) }

// CrossesNetwork reports whether a flow crosses a network trust boundary.
func (e *Env) CrossesNetwork(f *model.Flow) bool { return e.Ix.CrossesNetwork(f.From, f.To) }

// Incoming and Outgoing return the flows entering and leaving a component.
func (e *Env) Incoming(id string) []*model.Flow { return e.Ix.Incoming[id] }

// Outgoing returns the flows leaving a component.
func (e *Env) Outgoing(id string) []*model.Flow { return e.Ix.Outgoing[id] }

// Kind is a component's DFD kind: process, datastore or external-entity.
func Kind(c *model.Component) string { return c.Type.Kind() }

// HasTag reports whether tags contains tag.
func HasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// Name returns an element's display name: its name, else its id.
func (e *Env) Name(id string) string {
	if c := e.Ix.Components[id]; c != nil && c.Name != "" {
		return c.Name
	}
	if f := e.Ix.Flows[id]; f != nil && f.Name != "" {
		return f.Name
	}
	if d := e.Ix.Data[id]; d != nil && d.Name != "" {
		return d.Name
	}
	if b := e.Ix.Boundaries[id]; b != nil && b.Name != "" {
		return b.Name
	}
	return id
}

func itoa(i int) string { return strconv.Itoa(i) }

// TechIs reports whether a component's technology or type mentions any of
// the words (case-insensitive substring match on the technology text).
func TechIs(c *model.Component, words ...string) bool {
	tech := strings.ToLower(c.Technology)
	for _, w := range words {
		if string(c.Type) == w || (tech != "" && strings.Contains(tech, strings.ToLower(w))) {
			return true
		}
	}
	return false
}
