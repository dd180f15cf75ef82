// Package threats identifies threats in a model: a library of built-in
// rules (one file per rule), custom CEL rules and manual threats. It does no
// I/O: Identify is a pure function of the model and the rules.
package threats

import (
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/parallel"
)

// Ref is a reference to a catalog entry (CWE, CAPEC or ATT&CK technique).
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	URL  string `json:"url"`
}

// Origin says where a threat came from.
type Origin string

// Threat origins.
const (
	OriginRule   Origin = "rule"
	OriginCustom Origin = "custom"
	OriginManual Origin = "manual"
)

// Threat is one identified threat.
type Threat struct {
	// ID is stable: rule-id@element-id[+element-id], or a manual threat's id.
	ID          string         `json:"id"`
	Rule        string         `json:"rule"`
	Origin      Origin         `json:"origin"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	STRIDE      []model.STRIDE `json:"stride"`
	// LINDDUN lists the privacy threat categories of a LINDDUN rule.
	LINDDUN  []model.LINDDUN `json:"linddun,omitempty"`
	Category string          `json:"category,omitempty"`
	CWE      []Ref           `json:"cwe,omitempty"`
	CAPEC    []Ref           `json:"capec,omitempty"`
	ATTACK   []Ref           `json:"attack,omitempty"`
	Targets  []string        `json:"targets"`
	// Data lists the data assets at stake, most valuable first.
	Data []string `json:"data,omitempty"`
	// Likelihood and Impact are the base ratings before exposure and data adjustments.
	Likelihood int `json:"base_likelihood"`
	Impact     int `json:"base_impact"`
	// Mitigations are the recommended catalog controls.
	Mitigations []string `json:"mitigations,omitempty"`
	// Countermeasures are what the MITRE catalog recommends against the
	// threat's ATT&CK techniques (ATT&CK mitigations, D3FEND techniques)
	// and the D3FEND techniques of its recommended controls.
	Countermeasures []Countermeasure `json:"countermeasures,omitempty"`
	// InPlace lists implemented controls on the targets that address the threat.
	InPlace []string `json:"controls_in_place,omitempty"`
	// Planned lists planned controls on the targets that will address it.
	Planned   []string  `json:"controls_planned,omitempty"`
	Threagile []string  `json:"threagile,omitempty"`
	Pos       model.Pos `json:"position"`
	// Concern is the rule's concern (Meta.Concern), by which Collapse groups threats.
	Concern string `json:"concern,omitempty"`
	// Related are the findings of other rules with the same concern on the
	// same elements that Collapse folded into this one, by id.
	Related []Related `json:"related,omitempty"`
	// own is this threat as its rule raised it, before Collapse folded
	// others into it; nil when nothing was folded.
	own *Threat
}

// ModelWarning reports whether the finding is about the model's quality
// rather than a threat to the system (a rule of CategoryModel).
func (t *Threat) ModelWarning() bool { return t.Category == CategoryModel }

// Mitigated reports whether an implemented control addresses the threat.
func (t *Threat) Mitigated() bool { return len(t.InPlace) > 0 }

// ID builds a stable threat id from a rule id and element ids.
func ID(rule string, targets []string) string {
	return rule + "@" + strings.Join(targets, "+")
}

// Identify runs the rules over the model and adds its manual threats. The
// result is sorted by threat id and is the same for the same input.
func Identify(m *model.Model, rules []Rule) []Threat {
	return NewEnv(m).Identify(rules)
}

// ruleRefs are a rule's catalog references and what addresses its threats,
// built once per rule and shared (read-only) by all its threats.
type ruleRefs struct {
	cwe, capec, attack []Ref
	addressable        *addressable
	counter            []Countermeasure
}

// Identify runs the rules in this environment; see the package-level
// Identify. Rules only read the environment, so they run on all cores; each
// rule's hits are collected apart and joined, so the result does not
// depend on scheduling. Threats are large, so the rules' hits are kept as
// small records, sorted, and only then filled in as threats, in place in
// the list returned: the threats are built once, never copied.
func (e *Env) Identify(rules []Rule) []Threat {
	return e.fill(e.collect(rules))
}

// IdentifyApart is Identify with the findings about the model's quality
// (ModelWarning) in a list apart from the threats, each list sorted by id.
// Each list is built at its own size, so that the room the other takes can
// be freed.
func (e *Env) IdentifyApart(rules []Rule) (found, modelWarnings []Threat) {
	all := e.collect(rules)
	var ts, ws []*pending
	for _, p := range all {
		if p.manual == nil && p.rule.r.Category == CategoryModel {
			ws = append(ws, p)
		} else {
			ts = append(ts, p)
		}
	}
	return e.fill(ts), e.fill(ws)
}

// collect runs the rules and returns their hits, and the model's manual
// threats, sorted by id.
func (e *Env) collect(rules []Rule) []*pending {
	m := e.M
	disabled := map[string]bool{}
	if m.Settings != nil {
		for _, id := range m.Settings.DisabledRules {
			disabled[id] = true
		}
	}
	required := make(map[string]bool, len(m.RequiredRules))
	for _, id := range m.RequiredRules {
		required[id], disabled[id] = true, false
	}
	perRule := make([][]pending, len(rules))
	parallel.For(runtime.GOMAXPROCS(0), len(rules), 1, func(_, i int) {
		if r := &rules[i]; !disabled[r.ID] && r.Check != nil && (r.Applies(m) || required[r.ID]) {
			perRule[i] = e.run(r)
		}
	})
	total := len(m.Threats)
	for _, ps := range perRule {
		total += len(ps)
	}
	all := make([]*pending, 0, total)
	for _, ps := range perRule {
		for i := range ps {
			all = append(all, &ps[i])
		}
	}
	for i := range m.Threats {
		all = append(all, &pending{id: m.Threats[i].ID, manual: &m.Threats[i]})
	}
	return sortByID(all)
}

// fill builds the threats of the records, in their order, on all cores.
func (e *Env) fill(all []*pending) []Threat {
	out := make([]Threat, len(all))
	mapPages(out)
	parallel.For(runtime.GOMAXPROCS(0), len(all), 256, func(_, i int) {
		p := all[i]
		if p.manual != nil {
			out[i] = e.manual(p.manual)
			return
		}
		e.fillThreat(&out[i], p.rule.r, &p.rule.refs, p.id, p.Hit, p.rule.origin)
	})
	return out
}

// mapPages writes a plain int on every memory page of a new list of
// threats before the threats are written on all cores. While the collector
// runs, a threat is written through its write barrier, which first reads
// the pointers it replaces: on a page never touched, Linux then maps its
// shared zero page and, at the write that follows, copies it and flushes
// the TLB of every core; two cores writing side by side also contend on the
// lock of the page table. Written first with an int, which has no barrier,
// each page is mapped once, by one fault. On the threats of a 10,000-asset
// model (50 fills) that took the fill from 25 ms on average, six of the
// fills over 40 ms, to 13 ms, none over 40.
func mapPages(ts []Threat) {
	const page = 4096
	for i := 0; i < len(ts); i += max(1, page/int(unsafe.Sizeof(Threat{}))) {
		ts[i].Likelihood = 0
	}
}

// pending is a hit waiting to become a threat, or a manual threat.
type pending struct {
	// Hit is the rule's first hit on its targets; its Detail is the
	// description, with the details of further hits on the same targets.
	Hit
	id     string
	rule   *ruleRun
	manual *model.ManualThreat
}

// ruleRun is what the threats of one rule share.
type ruleRun struct {
	r      *Rule
	refs   ruleRefs
	origin Origin
}

// run collects one rule's hits, merging repeated hits on the same elements.
func (e *Env) run(r *Rule) []pending {
	rr := &ruleRun{r: r, origin: OriginRule,
		refs: ruleRefs{cwe: cweRefs(r.CWE), capec: capecRefs(r.CAPEC), attack: attackRefs(r.ATTACK),
			addressable: newAddressable(r.ID, r.CWE, r.CAPEC, r.Mitigations),
			counter:     Countermeasures(r.ATTACK, r.Mitigations)}}
	if r.Custom {
		rr.origin = OriginCustom
	}
	byID := map[string]int{}
	var out []pending
	r.Check(e, func(h Hit) {
		if len(h.Targets) == 0 {
			return
		}
		id := ID(r.ID, h.Targets)
		if i, ok := byID[id]; ok {
			p := &out[i]
			if h.Detail != "" && !strings.Contains(p.Detail, h.Detail) {
				p.Detail += " " + h.Detail
			}
			return
		}
		if h.Detail == "" {
			h.Detail = r.Title + " on " + strings.Join(h.Targets, ", ") + "."
		}
		byID[id] = len(out)
		out = append(out, pending{Hit: h, id: id, rule: rr})
	})
	return out
}

// sortByID orders the threats by id (equal ids in the order given).
func sortByID(ps []*pending) []*pending {
	type item struct {
		id  string
		p   *pending
		seq int
	}
	items := make([]item, len(ps))
	for i, p := range ps {
		items[i] = item{p.id, p, i}
	}
	slices.SortFunc(items, func(a, b item) int {
		if c := strings.Compare(a.id, b.id); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	for i, it := range items {
		ps[i] = it.p
	}
	return ps
}

// fillThreat sets *t to the threat of a rule's hit, whose Detail is the
// threat's description.
func (e *Env) fillThreat(t *Threat, r *Rule, refs *ruleRefs, id string, h Hit, origin Origin) {
	linddun := r.LINDDUN
	if !e.linddun {
		linddun = nil // a rule with STRIDE and LINDDUN categories raises a STRIDE threat
	}
	*t = Threat{
		ID:              id,
		Rule:            r.ID,
		Origin:          origin,
		Title:           r.Title,
		Description:     h.Detail,
		STRIDE:          r.STRIDE,
		LINDDUN:         linddun,
		Category:        r.Category,
		CWE:             refs.cwe,
		CAPEC:           refs.capec,
		ATTACK:          refs.attack,
		Targets:         h.Targets,
		Likelihood:      r.Likelihood,
		Impact:          r.Impact,
		Mitigations:     r.Mitigations,
		Countermeasures: refs.counter,
		Threagile:       r.Threagile,
		Pos:             e.Pos(h.Targets[0]),
		Concern:         r.Concern,
	}
	if h.Likelihood > 0 {
		t.Likelihood = h.Likelihood
	}
	if h.Impact > 0 {
		t.Impact = h.Impact
	}
	t.Data = h.Data
	if len(t.Data) == 0 {
		t.Data = e.DataAtStake(h.Targets...)
	} else {
		t.Data = e.sortByValue(t.Data)
	}
	t.InPlace, t.Planned = e.addressing(refs.addressable, h.Targets)
}

func (e *Env) manual(mt *model.ManualThreat) Threat {
	t := Threat{
		ID:              mt.ID,
		Rule:            "manual",
		Origin:          OriginManual,
		Title:           mt.Title,
		Description:     mt.Description,
		STRIDE:          mt.STRIDE,
		CWE:             cweRefs(mt.CWE),
		CAPEC:           capecRefs(mt.CAPEC),
		ATTACK:          attackRefs(mt.ATTACK),
		Targets:         mt.Targets,
		Likelihood:      mt.Likelihood,
		Impact:          mt.Impact,
		Mitigations:     mt.Mitigations,
		Countermeasures: Countermeasures(mt.ATTACK, mt.Mitigations),
		Pos:             mt.Pos,
		Data:            e.DataAtStake(mt.Targets...),
	}
	if t.Likelihood == 0 {
		t.Likelihood = 3
	}
	if t.Impact == 0 {
		t.Impact = 3
	}
	if t.Description == "" {
		t.Description = mt.Title
	}
	t.InPlace, t.Planned = e.addressing(newAddressable(mt.ID, mt.CWE, mt.CAPEC, mt.Mitigations), mt.Targets)
	return t
}

func cweRefs(ids []int) []Ref {
	out := make([]Ref, 0, len(ids))
	for _, id := range ids {
		n := strconv.Itoa(id)
		out = append(out, Ref{ID: "CWE-" + n, Name: catalog.CWEName(id), URL: "https://cwe.mitre.org/data/definitions/" + n + ".html"})
	}
	return out
}

func capecRefs(ids []int) []Ref {
	out := make([]Ref, 0, len(ids))
	for _, id := range ids {
		n := strconv.Itoa(id)
		out = append(out, Ref{ID: "CAPEC-" + n, Name: catalog.CAPECName(id), URL: "https://capec.mitre.org/data/definitions/" + n + ".html"})
	}
	return out
}

func attackRefs(ids []string) []Ref {
	out := make([]Ref, 0, len(ids))
	for _, id := range ids {
		if catalog.IsATLAS(id) {
			out = append(out, Ref{ID: id, Name: catalog.TechniqueName(id), URL: catalog.ATLASURL(id)})
			continue
		}
		path := strings.ReplaceAll(id, ".", "/")
		out = append(out, Ref{ID: id, Name: catalog.TechniqueName(id), URL: "https://attack.mitre.org/techniques/" + path + "/"})
	}
	return out
}

// Countermeasure is a defence the MITRE catalog recommends against a threat.
type Countermeasure struct {
	// ID is an ATT&CK mitigation (M1032), an ATLAS mitigation (AML.M0015)
	// or a D3FEND technique (D3-MFA).
	ID   string `json:"id"`
	Name string `json:"name"`
	// Kind is "attack-mitigation", "atlas-mitigation" or "d3fend".
	Kind string `json:"kind"`
	// For lists the threat's techniques and recommended controls it answers.
	For []string `json:"for"`
	URL string   `json:"url,omitempty"`
}

// Countermeasure kinds.
const (
	CounterATTACK = "attack-mitigation"
	CounterATLAS  = "atlas-mitigation"
	CounterD3FEND = "d3fend"
)

// counterOrder is the order of countermeasure kinds in a list.
var counterOrder = map[string]int{CounterATTACK: 0, CounterATLAS: 1, CounterD3FEND: 2}

// Countermeasures returns the catalog's countermeasures for ATT&CK
// and ATLAS techniques and catalog controls: each technique's ATT&CK or
// ATLAS mitigations and D3FEND techniques, and each control's D3FEND
// technique; ATT&CK mitigations first, then ATLAS mitigations, then D3FEND,
// each once with what it answers.
func Countermeasures(techniques, controls []string) []Countermeasure {
	var out []Countermeasure
	at := map[string]int{}
	add := func(id, name, kind, url, reason string) {
		if i, ok := at[id]; ok {
			if !slices.Contains(out[i].For, reason) {
				out[i].For = append(out[i].For, reason)
			}
			return
		}
		at[id] = len(out)
		out = append(out, Countermeasure{ID: id, Name: name, Kind: kind, For: []string{reason}, URL: url})
	}
	for _, t := range techniques {
		tech, ok := catalog.LookupTechnique(t)
		if !ok {
			continue
		}
		for _, m := range tech.Mitigations {
			if catalog.IsATLAS(m.ID) {
				add(m.ID, m.Name, CounterATLAS, catalog.ATLASMitigationURL(m.ID), t)
				continue
			}
			add(m.ID, m.Name, CounterATTACK, "https://attack.mitre.org/mitigations/"+m.ID+"/", t)
		}
		for _, d := range tech.D3FEND {
			add(d.ID, d.Name, CounterD3FEND, "", t)
		}
	}
	for _, c := range controls {
		if ctl, ok := catalog.LookupControl(c); ok && ctl.D3FEND != "" {
			add(ctl.D3FEND, catalog.D3FENDName(ctl.D3FEND), CounterD3FEND, "", c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return counterOrder[out[i].Kind] < counterOrder[out[j].Kind]
		}
		return out[i].ID < out[j].ID
	})
	return out
}
