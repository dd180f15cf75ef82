package threats

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

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

	// Answers computed once (lookup.go).
	facts        map[string]*elemFacts
	controlFacts map[string]*controlFact
	comps        []compFacts
	flowFacts    []flowFacts

	mu       sync.Mutex
	failures model.Problems

	inputOnce sync.Once
	input     map[string]bool

	raaOnce sync.Once
	raa     map[string]float64

	// linddun is whether the model applies the LINDDUN methodology: only
	// then do threats carry their rule's LINDDUN categories.
	linddun bool
}

// NewEnv prepares the environment rules run in.
func NewEnv(m *model.Model) *Env {
	e := &Env{M: m, Ix: m.Index(), controls: map[string]*model.Control{}, linddun: m.Applies(model.MethodLINDDUN)}
	for i := range m.Controls {
		c := &m.Controls[i]
		if _, dup := e.controls[c.ID]; !dup {
			e.controls[c.ID] = c
		}
	}
	e.precompute()
	for i := range m.Components {
		if c := &m.Components[i]; !c.OutOfScope {
			e.inScope = append(e.inScope, c)
		}
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		from, to := e.flowFacts[i].from, e.flowFacts[i].to
		if from == nil || to == nil || (from.OutOfScope && to.OutOfScope) || e.ownClient(from, to) || e.responseHalf(f, from, to) {
			continue
		}
		e.flows = append(e.flows, f)
	}
	return e
}

// ownClient reports a person using their own client (user → browser, user →
// mobile app): an interaction, not a network link.
func (e *Env) ownClient(from, to *model.Component) bool {
	return IsPerson(from) && e.Traits(to)&TraitClient != 0
}

// responseHalf reports the answer of a request/response pair modelled as two
// flows (web request and web response, queries and query results): a flow
// back to a component that has a flow to this one, which is the answer when
// it goes back to a person or a client (servers do not call browsers), comes
// from a data store (stores do not call), or is named as a response. The pair is one interaction, rated
// on its request.
func (e *Env) responseHalf(f *model.Flow, from, to *model.Component) bool {
	request := false
	for _, g := range e.Ix.Outgoing[f.To] {
		request = request || g.To == f.From
	}
	if !request {
		return false
	}
	name := strings.ToLower(f.Name)
	return IsPerson(to) || e.Traits(to)&TraitClient != 0 ||
		from.Type.Kind() == model.KindDataStore || strings.Contains(name, "response") ||
		strings.Contains(name, "result") || strings.Contains(name, "reply")
}

// Components returns the components in scope, in model order.
func (e *Env) Components() []*model.Component { return e.inScope }

// Flows returns the flows touching at least one in-scope component, in
// model order, without a person's interactions with their own client and
// without the answering half of a request/response pair.
func (e *Env) Flows() []*model.Flow { return e.flows }

// Component returns the component with the given id, or nil.
func (e *Env) Component(id string) *model.Component { return e.Ix.Components[id] }

// Source and Target return a flow's endpoints.
func (e *Env) Source(f *model.Flow) *model.Component {
	if ff := e.flowFact(f); ff != nil {
		return ff.from
	}
	return e.Ix.Components[f.From]
}

// Target returns the component a flow goes to.
func (e *Env) Target(f *model.Flow) *model.Component {
	if ff := e.flowFact(f); ff != nil {
		return ff.to
	}
	return e.Ix.Components[f.To]
}

// Pos returns the source position of an element.
func (e *Env) Pos(id string) model.Pos {
	if f := e.facts[id]; f != nil {
		return f.pos
	}
	return e.posOf(id)
}

func (e *Env) posOf(id string) model.Pos {
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

// resolve reports the catalog id a listed control stands for and whether it is implemented.
func (e *Env) resolve(id string) (catalogID string, implemented bool) {
	if c := e.controlFacts[id]; c != nil {
		return c.cid, c.implemented
	}
	return e.resolveOf(id)
}

func (e *Env) resolveOf(id string) (catalogID string, implemented bool) {
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

// listed returns the control ids on an element (component, or flow plus
// its target). The list is shared: callers must not modify it.
func (e *Env) listed(id string) []string {
	if f := e.facts[id]; f != nil {
		return f.listed
	}
	return e.listedOf(id)
}

func (e *Env) listedOf(id string) []string {
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
// (for a flow: on the flow, its target and its caller) that address a
// threat: the rule's recommended catalog controls, and the model's own
// controls whose mitigates names the rule (or manual threat) or one of the
// threat's CWE or CAPEC classes. A whole STRIDE category is not enough, and
// a control with no effect (likelihood and impact 0) addresses nothing.
func (e *Env) addressing(a *addressable, targets []string) (inPlace, planned []string) {
	var seen []string // control lists are short
	for _, t := range targets {
		var ids []string
		if f := e.facts[t]; f != nil {
			ids = f.addressedBy
		} else {
			ids = e.addressedByOf(t)
		}
		for _, id := range ids {
			if slices.Contains(seen, id) {
				continue
			}
			seen = append(seen, id)
			c := e.controlFacts[id]
			if c == nil {
				c = e.controlFactsOf(id)
			}
			ok := a.want[c.cid] || a.want[id]
			if c.decl != nil && !ok {
				for _, mit := range c.decl.Mitigates {
					ok = ok || a.classes[mit]
				}
			}
			if !ok || c.ineffective {
				continue
			}
			if c.implemented {
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

// addressedByOf returns the controls that may address a threat on the
// element: those listed on it and, for a flow, those of its caller too (a
// recommended control there addresses the flow's threat: egress filtering
// against SSRF, a signing pipeline).
func (e *Env) addressedByOf(id string) []string {
	ids := e.listedOf(id)
	if f := e.Ix.Flows[id]; f != nil {
		if from := e.Ix.Components[f.From]; from != nil {
			ids = append(ids[:len(ids):len(ids)], from.Controls...)
		}
	}
	return ids
}

// controlFact is what the environment knows of a control id listed on an element.
type controlFact struct {
	// cid is the catalog id it stands for; implemented says whether it is in place.
	cid         string
	implemented bool
	// decl is the model's declaration of the control, nil for a bare catalog id.
	decl *model.Control
	// ineffective is set for a control with no effect (likelihood and
	// impact 0, declared or from the catalog): it addresses nothing.
	ineffective bool
}

func (e *Env) controlFactsOf(id string) *controlFact {
	cid, impl := e.resolveOf(id)
	c := &controlFact{cid: cid, implemented: impl, decl: e.controls[id]}
	if d := c.decl; d != nil && d.Effect != nil && d.Effect.Likelihood == 0 && d.Effect.Impact == 0 {
		c.ineffective = true
	}
	if ce, known := catalog.LookupControl(cid); known && (c.decl == nil || c.decl.Effect == nil) && ce.Likelihood == 0 && ce.Impact == 0 {
		c.ineffective = true
	}
	return c
}

// addressable is what a control must name or be to address a threat (see
// addressing): built once per rule.
type addressable struct {
	// want holds the recommended catalog controls, classes the rule (or
	// manual threat) id and its CWE and CAPEC classes.
	want, classes map[string]bool
}

func newAddressable(rule string, cwe, capec []int, recommended []string) *addressable {
	a := &addressable{want: make(map[string]bool, len(recommended)), classes: make(map[string]bool, 1+len(cwe)+len(capec))}
	for _, c := range recommended {
		a.want[c] = true
	}
	a.classes[rule] = true
	for _, id := range cwe {
		a.classes["CWE-"+strconv.Itoa(id)] = true
	}
	for _, id := range capec {
		a.classes["CAPEC-"+strconv.Itoa(id)] = true
	}
	return a
}

// Incoming and Outgoing return the flows entering and leaving a component.
func (e *Env) Incoming(id string) []*model.Flow { return e.Ix.Incoming[id] }

// Outgoing returns the flows leaving a component.
func (e *Env) Outgoing(id string) []*model.Flow { return e.Ix.Outgoing[id] }

// MonitoredBy returns the id of a monitoring component the component sends
// events to, or "" when there is none.
func (e *Env) MonitoredBy(c *model.Component) string {
	for _, f := range e.Outgoing(c.ID) {
		if to := e.Target(f); to != nil && e.Is(to, TraitMonitoring) {
			return to.ID
		}
	}
	return ""
}

// Declares reports whether a control with the catalog id is listed on the
// element, implemented or planned.
func (e *Env) Declares(elementID, control string) bool {
	for _, id := range e.listed(elementID) {
		if cid, _ := e.resolve(id); cid == control {
			return true
		}
	}
	return false
}

// ImplementedControls returns the catalog ids of the implemented controls
// on an element, sorted.
func (e *Env) ImplementedControls(id string) []string {
	out := []string{}
	for _, c := range e.listed(id) {
		if cid, ok := e.resolve(c); ok && !slices.Contains(out, cid) {
			out = append(out, cid)
		}
	}
	sort.Strings(out)
	return out
}

// PipelinesInto returns the build pipelines with a flow into the component.
func (e *Env) PipelinesInto(c *model.Component) []*model.Component {
	var out []*model.Component
	for _, f := range e.Incoming(c.ID) {
		if from := e.Source(f); from != nil && e.Is(from, TraitBuildPipeline) {
			out = append(out, from)
		}
	}
	return out
}

// Fail records that a rule could not run as written (a custom rule that used
// up its budget or failed on some elements). Rules may call it concurrently.
func (e *Env) Fail(p model.Problem) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failures = append(e.failures, p)
}

// Failures returns what rules recorded with Fail, sorted by position.
func (e *Env) Failures() model.Problems {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := slices.Clone(e.failures)
	out.Sort()
	return out
}
