package model

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/ids"
	"github.com/rampart-sec/rampart/internal/source"
)

// Validate checks a decoded model's meaning: ids, references, boundaries,
// treatments and settings. It returns every problem found.
func Validate(m *Model, opts Options) Problems {
	n := len(m.Data) + len(m.Components) + len(m.TrustBoundaries) + len(m.Flows) + len(m.Controls) + len(m.Threats)
	v := &validator{m: m, ix: m.Index(), opts: opts, first: make(map[string]firstUse, n)}
	v.version()
	v.ids()
	v.components()
	v.boundaries()
	v.flows()
	v.controls()
	v.threats()
	v.treatments()
	v.appetite()
	v.methodology()
	v.settings()
	v.unused()
	return v.problems
}

type validator struct {
	m        *Model
	ix       *Index
	opts     Options
	problems Problems
	first    map[string]firstUse
	// candidates caches sorted id lists for suggestions, by list name.
	candidates map[string][]string
	suggested  map[string]string // hints by list and word
	compared   int               // candidates compared by suggest so far
}

// cached returns a function giving the list f builds, built once.
func (v *validator) cached(name string, f func() []string) func() []string {
	return func() []string {
		if l, ok := v.candidates[name]; ok {
			return l
		}
		if v.candidates == nil {
			v.candidates = map[string][]string{}
		}
		l := f()
		v.candidates[name] = l
		return l
	}
}

// firstUse is where an id was declared first, and by what kind of element.
type firstUse struct {
	src  *Source
	kind string
}

// add records an error about the value under key (idx as for Source.At)
// with the generic code source.CodeInvalid; addc names a code.
func (v *validator) add(src Source, key string, idx int, hint, format string, args ...any) {
	v.addc(source.CodeInvalid, src, key, idx, hint, format, args...)
}

func (v *validator) addc(code source.Code, src Source, key string, idx int, hint, format string, args ...any) {
	v.problems = append(v.problems, problemf(src.At(key, idx), code, src.KeyPath(key, idx), hint, format, args...))
}

func (v *validator) warn(src Source, key string, idx int, hint, format string, args ...any) {
	v.warnc(source.CodeInvalid, src, key, idx, hint, format, args...)
}

func (v *validator) warnc(code source.Code, src Source, key string, idx int, hint, format string, args ...any) {
	p := problemf(src.At(key, idx), code, src.KeyPath(key, idx), hint, format, args...)
	p.Severity = source.Warning
	v.problems = append(v.problems, p)
}

func (v *validator) version() {
	if v.m.hasInt("rampart") && v.m.Rampart != SchemaVersion {
		v.addc(source.CodeVersion, v.m.Source, "rampart", -1, "", "unsupported schema version %d, this build reads %d", v.m.Rampart, SchemaVersion)
	}
	if v.m.System.ID != "" {
		v.checkID(v.m.System.Source, v.m.System.ID)
	}
}

func (v *validator) checkID(src Source, id string) bool {
	if len(id) > ids.MaxLen {
		v.addc(source.CodeInvalidID, src, "id", -1, "", "id is longer than %d characters", ids.MaxLen)
		return false
	}
	if !ids.Valid(id) {
		v.addc(source.CodeInvalidID, src, "id", -1, "ids start with a letter or digit and use only letters, digits, '.', '_', '-' and ':'",
			"invalid id '%s'", id)
		return false
	}
	return true
}

// ids checks every element id: well formed and unique across the whole model,
// since stable threat ids name elements by id alone.
func (v *validator) ids() {
	see := func(src *Source, id, kind string) {
		if id == "" || !v.checkID(*src, id) {
			return
		}
		if prev, dup := v.first[id]; dup {
			v.addc(source.CodeDuplicateID, *src, "id", -1, "ids are unique across data, components, boundaries, flows, controls and threats",
				"duplicate id '%s' (already used by the %s at %s)", id, prev.kind, prev.src.Pos)
			return
		}
		v.first[id] = firstUse{src, kind}
	}
	for i := range v.m.Data {
		see(&v.m.Data[i].Source, v.m.Data[i].ID, ElemData)
	}
	for i := range v.m.Components {
		see(&v.m.Components[i].Source, v.m.Components[i].ID, ElemComponent)
	}
	for i := range v.m.TrustBoundaries {
		see(&v.m.TrustBoundaries[i].Source, v.m.TrustBoundaries[i].ID, ElemBoundary)
	}
	for i := range v.m.Flows {
		see(&v.m.Flows[i].Source, v.m.Flows[i].ID, ElemFlow)
	}
	for i := range v.m.Controls {
		see(&v.m.Controls[i].Source, v.m.Controls[i].ID, ElemControl)
	}
	for i := range v.m.Threats {
		see(&v.m.Threats[i].Source, v.m.Threats[i].ID, ElemThreat)
	}
}

// ref checks that id names an element of one of the wanted kinds.
func (v *validator) ref(src Source, key string, idx int, id string, what string, candidates func() []string, ok func(string) bool) {
	if id == "" {
		v.add(src, key, idx, "", "empty reference, expected a %s id", what)
		return
	}
	if ok(id) {
		return
	}
	if k := v.ix.Kind(id); k != "" {
		v.add(src, key, idx, "", "'%s' is %s %s, expected %s %s", id, article(k), k, article(what), what)
		return
	}
	v.addc(source.CodeReference, src, key, idx, v.suggest(id, what, candidates), "unknown %s '%s'", what, id)
}

// suggestBudget caps how many candidates suggestions may compare against
// in one validation, so that a model with thousands of broken references
// among thousands of elements is still reported quickly (later problems
// then come without a "did you mean").
const suggestBudget = 1_000_000

// suggest is Suggest for references, remembered per word and list, and
// within suggestBudget.
func (v *validator) suggest(word, list string, candidates func() []string) string {
	key := list + "\x00" + word
	if hint, ok := v.suggested[key]; ok {
		return hint
	}
	c := candidates()
	if v.compared += len(c); v.compared > suggestBudget {
		return ""
	}
	hint := source.Suggest(word, c)
	if v.suggested == nil {
		v.suggested = map[string]string{}
	}
	v.suggested[key] = hint
	return hint
}

// article returns "an" before a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

func keys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (v *validator) dataRef(src Source, key string, list []string) {
	var seen map[string]bool // for long lists only; short ones are scanned
	if len(list) > 16 {
		seen = make(map[string]bool, len(list))
	}
	for i, id := range list {
		v.ref(src, key, i, id, "data asset", v.dataIDs, v.isData)
		twice := false
		if seen != nil {
			twice = seen[id]
			seen[id] = true
		} else {
			twice = slices.Contains(list[:i], id)
		}
		if twice {
			v.warn(src, key, i, "", "'%s' is listed twice", id)
		}
	}
}

func (v *validator) dataIDs() []string {
	return v.cached("data", func() []string { return keys(v.ix.Data) })()
}
func (v *validator) isData(id string) bool { return v.ix.Data[id] != nil }

func (v *validator) controlRefs(src Source, list []string) {
	for i, id := range list {
		v.ref(src, "controls", i, id, "control", v.controlIDs, v.isControl)
	}
}

func (v *validator) isControl(id string) bool {
	if v.ix.Controls[id] != nil {
		return true
	}
	_, ok := catalog.LookupControl(id)
	return ok
}

func (v *validator) controlIDs() []string {
	return v.cached("controls", func() []string { return append(keys(v.ix.Controls), catalog.ControlIDs()...) })()
}

func (v *validator) components() {
	for i := range v.m.Components {
		c := &v.m.Components[i]
		if c.TrustBoundary != "" || c.has("trust_boundary") {
			v.ref(c.Source, "trust_boundary", -1, c.TrustBoundary, "trust boundary",
				v.cached("boundaries", func() []string { return keys(v.ix.Boundaries) }), func(s string) bool { return v.ix.Boundaries[s] != nil })
		}
		v.dataRef(c.Source, "processes", c.Processes)
		v.dataRef(c.Source, "stores", c.Stores)
		v.controlRefs(c.Source, c.Controls)
		if c.OutOfScope && c.Type.Kind() != KindExternalEntity && c.Type != "browser" && c.Type != "mobile-app" && c.Type != "desktop-app" {
			v.outOfScope(c) // people's clients and third parties are others' to protect
		}
		if c.Type.Kind() == KindExternalEntity && len(c.Stores) > 0 {
			v.warn(c.Source, "stores", -1, "model the store as its own component if the system relies on it",
				"external entity '%s' stores data the system does not control", c.ID)
		}
		if d := c.Detection; d != nil {
			v.detection(c, d)
		}
	}
}

// outOfScope warns of an out-of-scope component of the system's own that
// holds confidential, restricted or personal data: its threats are not
// looked for, so the scoping decision is as visible as a disabled rule.
func (v *validator) outOfScope(c *Component) {
	var held []string
	for _, id := range append(append([]string{}, c.Stores...), c.Processes...) {
		if d := v.ix.Data[id]; d != nil && (d.Classification.Level() >= 2 || d.Personal) && !contains(held, id) {
			held = append(held, id)
		}
	}
	if len(held) > 0 {
		v.warn(c.Source, "out_of_scope", -1, "model what protects it, or say in its description why its risk is someone else's",
			"component '%s' is out of scope, so its threats are not looked for, yet it holds %s", c.ID, strings.Join(held, ", "))
	}
}

// detection checks a component's ties to log events.
func (v *validator) detection(c *Component, d *Detection) {
	if len(d.Hosts)+len(d.Services)+len(d.LogSources)+len(d.Fields) == 0 {
		v.warn(c.Source, "detection", -1, "give hosts, services, log_sources or fields", "detection of '%s' ties no event to it", c.ID)
	}
	for _, list := range [][]string{d.Hosts, d.Services} {
		for _, h := range list {
			if strings.TrimSpace(h) == "" {
				v.add(c.Source, "detection", -1, "remove the empty entry", "detection of '%s' has an empty host or service name", c.ID)
			}
		}
	}
	for _, ls := range d.LogSources {
		if ls.Product == "" && ls.Category == "" && ls.Service == "" {
			v.add(c.Source, "detection", -1, "give product, category and/or service", "detection of '%s' has an empty log source", c.ID)
		}
	}
	for f, vals := range d.Fields {
		if strings.TrimSpace(f) == "" || len(vals) == 0 {
			v.add(c.Source, "detection", -1, "map a field name to one or more values", "detection of '%s' has a field without name or values", c.ID)
		}
	}
}

// boundaries checks nesting: every component and boundary sits in at most
// one boundary, and boundaries do not nest in a cycle.
func (v *validator) boundaries() {
	n := len(v.m.Components) + len(v.m.TrustBoundaries)
	holder := make(map[string]*Source, n) // member id -> where it was placed first
	holderID := make(map[string]string, n)
	place := func(member, boundary string, src Source, key string, idx int) {
		if prev, ok := holderID[member]; ok {
			if prev == boundary {
				v.warn(src, key, idx, "", "'%s' is placed in trust boundary '%s' twice", member, boundary)
				return
			}
			what := "component"
			if v.ix.Boundaries[member] != nil {
				what = "trust boundary"
			}
			v.add(src, key, idx, "a "+what+" belongs to one trust boundary; nest boundaries instead",
				"%s '%s' is already in trust boundary '%s' (%s)", what, member, prev, holder[member].Pos)
			return
		}
		holderID[member], holder[member] = boundary, &src
	}
	for i := range v.m.TrustBoundaries {
		b := &v.m.TrustBoundaries[i]
		for j, id := range b.Contains {
			if id == b.ID {
				v.add(b.Source, "contains", j, "", "trust boundary '%s' contains itself", id)
				continue
			}
			v.ref(b.Source, "contains", j, id, "component or trust boundary",
				v.cached("members", func() []string { return append(keys(v.ix.Components), keys(v.ix.Boundaries)...) }),
				func(s string) bool { return v.ix.Components[s] != nil || v.ix.Boundaries[s] != nil })
			if v.ix.Components[id] != nil || v.ix.Boundaries[id] != nil {
				place(id, b.ID, b.Source, "contains", j)
			}
		}
	}
	for i := range v.m.Components {
		c := &v.m.Components[i]
		if c.TrustBoundary != "" && v.ix.Boundaries[c.TrustBoundary] != nil {
			place(c.ID, c.TrustBoundary, c.Source, "trust_boundary", -1)
		}
	}
	// Cycles: follow parents from each boundary.
	reported := map[string]bool{}
	for i := range v.m.TrustBoundaries {
		start := v.m.TrustBoundaries[i].ID
		path := []string{start}
		onPath := map[string]bool{start: true}
		for cur := start; ; {
			p, ok := holderID[cur]
			if !ok {
				break
			}
			if onPath[p] {
				if p == start && !reported[start] {
					for _, id := range path {
						reported[id] = true
					}
					cyc := append(append([]string{start}, reverse(path[1:])...), start)
					v.add(v.m.TrustBoundaries[i].Source, "contains", -1, "remove one of the contains entries",
						"trust boundaries nest in a cycle: %s", strings.Join(cyc, " contains "))
				}
				break
			}
			onPath[p] = true
			path = append(path, p)
			cur = p
		}
	}
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[len(s)-1-i] = x
	}
	return out
}

func (v *validator) flows() {
	comps := v.cached("components", func() []string { return keys(v.ix.Components) })
	isComp := func(s string) bool { return v.ix.Components[s] != nil }
	for i := range v.m.Flows {
		f := &v.m.Flows[i]
		if f.From != "" || f.has("from") {
			v.ref(f.Source, "from", -1, f.From, "component", comps, isComp)
		}
		if f.To != "" || f.has("to") {
			v.ref(f.Source, "to", -1, f.To, "component", comps, isComp)
		}
		if f.From != "" && f.From == f.To {
			v.add(f.Source, "to", -1, "model what happens inside a component with its processes and stores",
				"flow from component '%s' to itself", f.From)
		}
		v.dataRef(f.Source, "data_sent", f.DataSent)
		v.dataRef(f.Source, "data_received", f.DataReceived)
		v.controlRefs(f.Source, f.Controls)
		if f.Encryption == "none" && f.Protocol.Encrypted() {
			v.add(f.Source, "encryption", -1, "", "protocol %s always encrypts; encryption cannot be none", f.Protocol)
		}
		if f.Readonly && len(f.DataSent) > 0 && len(f.DataReceived) == 0 {
			v.warn(f.Source, "readonly", -1, "list what it reads under data_received", "readonly flow '%s' only sends data", f.ID)
		}
	}
}

func (v *validator) controls() {
	for i := range v.m.Controls {
		c := &v.m.Controls[i]
		_, inCatalog := catalog.LookupControl(c.ID)
		if c.Catalog != "" {
			if _, ok := catalog.LookupControl(c.Catalog); !ok {
				v.addc(source.CodeReference, c.Source, "catalog", -1, source.Suggest(c.Catalog, catalog.ControlIDs()), "unknown catalog control '%s'", c.Catalog)
			}
		} else if !inCatalog && len(c.Mitigates) == 0 {
			v.warn(c.Source, "mitigates", -1, "set catalog to the catalog control it implements, or list the rule ids or CWE-n / CAPEC-n classes it mitigates",
				"own control '%s' says neither what it implements nor what it mitigates", c.ID)
		}
		if c.Effect != nil {
			for _, e := range []struct {
				key string
				n   int
			}{{"likelihood", c.Effect.Likelihood}, {"impact", c.Effect.Impact}} {
				if e.n < 0 || e.n > 4 {
					v.add(c.Effect.Source, e.key, -1, "", "effect %s must be 0..4 steps, found %d", e.key, e.n)
				}
			}
		}
		if c.Effect != nil && c.Effect.Likelihood == 0 && c.Effect.Impact == 0 {
			v.warn(c.Source, "effect", -1, "give the steps it lowers likelihood or impact by, or remove the effect to use the catalog's",
				"control '%s' has no effect: it lowers no risk and mitigates no threat", c.ID)
		}
		for j, s := range c.Mitigates {
			if v.ix.Threats[s] != nil || threatClass.MatchString(s) {
				continue // a manual threat the control is for, or a CWE or CAPEC class
			}
			if contains(categories, s) {
				v.warn(c.Source, "mitigates", j, "name the rule ids or the CWE-n / CAPEC-n classes the control addresses",
					"'%s' is a whole category: a control counts only for the threats it addresses, so this entry mitigates nothing", s)
				continue
			}
			if !strings.Contains(s, "-") || (v.opts.RuleIDs != nil && !contains(v.opts.RuleIDs, s)) {
				v.add(c.Source, "mitigates", j, source.Suggest(s, v.opts.RuleIDs),
					"'%s' is neither a rule id, a manual threat, nor a CWE-n or CAPEC-n class", s)
			}
		}
	}
}

func (v *validator) threats() {
	all := v.cached("elements", func() []string { return keys(v.ix.kinds) })
	for i := range v.m.Threats {
		t := &v.m.Threats[i]
		if len(t.Targets) == 0 && t.Title != "" {
			v.add(t.Source, "targets", -1, "", "a threat needs at least one target element")
		}
		for j, id := range t.Targets {
			v.ref(t.Source, "targets", j, id, "element", all, func(s string) bool {
				k := v.ix.Kind(s)
				return k != "" && k != ElemControl && k != ElemThreat
			})
		}
		for j, id := range t.Mitigations {
			v.ref(t.Source, "mitigations", j, id, "control", v.controlIDs, v.isControl)
		}
		for _, s := range []struct {
			key string
			n   int
		}{{"likelihood", t.Likelihood}, {"impact", t.Impact}} {
			if s.n < 0 || s.n > 5 {
				v.add(t.Source, s.key, -1, "", "%s must be 1..5, found %d", s.key, s.n)
			}
		}
		for j, a := range t.ATTACK {
			if !attackRE.MatchString(a) {
				v.add(t.Source, "attack", j, "ATT&CK technique ids look like T1190 or T1059.007", "invalid ATT&CK technique id '%s'", a)
			}
		}
	}
}

// categories are the risk categories: the STRIDE categories, privacy and
// the LINDDUN categories.
var categories = slices.Concat(STRIDE("").Values(), []string{"privacy"}, LINDDUN("").Values())

var attackRE = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)

// treatments checks register entries: a known threat id, one entry per
// threat, and the acceptance rules (who, why, until when).
func (v *validator) treatments() {
	seen := map[string]Source{}
	acceptors := map[string]bool{}
	if v.m.System.RiskOwner != "" {
		acceptors[v.m.System.RiskOwner] = true
	}
	for _, a := range v.m.System.RiskAcceptors {
		acceptors[a] = true
	}
	for i := range v.m.Treatments {
		t := &v.m.Treatments[i]
		if t.Threat == "" {
			continue
		}
		if prev, dup := seen[t.Threat]; dup {
			v.add(t.Source, "threat", -1, "keep one register entry per threat", "threat '%s' already has a treatment (%s)", t.Threat, prev.Pos)
		} else {
			seen[t.Threat] = t.Source
		}
		v.threatID(t)
		switch old, cur := strings.TrimSpace(t.CheckedBy), strings.TrimSpace(t.VerifiedBy); {
		case old != "" && cur != "" && old != cur:
			v.addc(source.CodeDeprecated, t.Source, "checked_by", -1, "keep verified_by and remove checked_by",
				"checked_by '%s' and verified_by '%s' disagree; verified_by is used", old, cur)
		case old != "":
			v.warnc(source.CodeDeprecated, t.Source, "checked_by", -1, "rename the key to verified_by",
				"checked_by is the old name of verified_by; it is still read")
		}
		switch t.Status {
		case "accepted":
			if t.AcceptedBy == "" {
				v.add(t.Source, "accepted_by", -1, "name the risk owner who accepted it", "an accepted risk needs accepted_by")
			} else if len(acceptors) == 0 {
				v.add(t.Source, "accepted_by", -1, "set system.risk_owner (and optionally system.risk_acceptors)",
					"'%s' cannot accept risk: the model names no risk owner", t.AcceptedBy)
			} else if !acceptors[t.AcceptedBy] {
				v.add(t.Source, "accepted_by", -1, source.Suggest(t.AcceptedBy, keys(acceptors)),
					"'%s' may not accept risk: only the risk owner or a listed risk acceptor may (%s)", t.AcceptedBy, strings.Join(keys(acceptors), ", "))
			}
			if strings.TrimSpace(t.Justification) == "" {
				v.add(t.Source, "justification", -1, "say why the risk is tolerable", "an accepted risk needs a justification")
			}
			if t.Expires == nil {
				v.add(t.Source, "expires", -1, "acceptances are reviewed: give a date, e.g. one year ahead", "an accepted risk needs an expiry date")
			} else if max := v.m.MaxAcceptanceDays(); t.Reviewed != nil && t.Expires.Sub(t.Reviewed.Time).Hours()/24 > float64(max) {
				v.add(t.Source, "expires", -1, fmt.Sprintf("settings.max_acceptance_days is %d", max),
					"acceptance runs more than %d days past its review", max)
			}
		case "transferred":
			if t.TransferredTo == "" {
				v.warn(t.Source, "transferred_to", -1, "", "a transferred risk should say who carries it")
			}
		case "mitigated":
			if strings.TrimSpace(t.Evidence) == "" || t.Verifier() == "" {
				v.warn(t.Source, "evidence", -1, "add evidence (a link or note) and verified_by (who verified it)",
					"a mitigation without evidence and verified_by is only claimed: the threat stays open")
			}
		case "mitigating":
			if t.Owner == "" || t.Due == nil {
				v.warn(t.Source, "status", -1, "give an owner and a due date", "a risk being mitigated has no owner or due date")
			}
		case "false-positive", "avoided":
			if strings.TrimSpace(t.Justification) == "" {
				v.add(t.Source, "justification", -1, "", "status %s needs a justification", t.Status)
			}
		}
		if t.Status != "accepted" && t.AcceptedBy != "" {
			v.warn(t.Source, "accepted_by", -1, "", "accepted_by is set but the status is %s", t.Status)
		}
	}
}

// threatID checks a treatment's threat id: a manual threat id, or
// rule-id@element[+element] with existing elements (and a known rule when
// the caller supplied the rule list).
func (v *validator) threatID(t *Treatment) {
	if v.ix.Threats[t.Threat] != nil {
		return
	}
	rule, elems, ok := strings.Cut(t.Threat, "@")
	if !ok {
		v.add(t.Source, "threat", -1, source.Suggest(t.Threat, v.cached("threats", func() []string { return keys(v.ix.Threats) })()),
			"'%s' is not a manual threat id nor a generated id of the form rule-id@element-id", t.Threat)
		return
	}
	if v.opts.RuleIDs != nil && !contains(v.opts.RuleIDs, rule) {
		v.addc(source.CodeReference, t.Source, "threat", -1, source.Suggest(rule, v.opts.RuleIDs), "unknown rule '%s' in threat id", rule)
	}
	for _, e := range strings.Split(elems, "+") {
		if k := v.ix.Kind(e); k == "" || k == ElemControl {
			v.addc(source.CodeReference, t.Source, "threat", -1, source.Suggest(e, v.cached("elements", func() []string { return keys(v.ix.kinds) })()), "threat id names unknown element '%s'", e)
		}
	}
}

// threatClass matches a CWE or CAPEC class a control may name in mitigates.
var threatClass = regexp.MustCompile(`^(CWE|CAPEC)-[1-9][0-9]*$`)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (v *validator) appetite() {
	a := v.m.RiskAppetite
	if a == nil {
		return
	}
	cats := categories
	for _, k := range keys(a.ByCategory) {
		if !contains(cats, k) {
			v.problems = append(v.problems, problemf(a.Source.AtKey("by_category", k), source.CodeInvalid, a.Source.KeyPath("by_category", -1),
				source.Suggest(k, cats), "unknown risk category '%s', expected %s", k, oneOf(cats)))
		}
	}
}

// methodology warns of a methodology list that leaves out STRIDE: no
// security rule runs then, which is as much a gap as disabling them all.
func (v *validator) methodology() {
	if len(v.m.Methodology) == 0 || slices.Contains(v.m.Methodology, MethodSTRIDE) {
		return
	}
	v.warn(v.m.Source, "methodology", -1, "add stride, unless the system's security threats are modelled elsewhere; rules a central policy requires run anyway",
		"methodology leaves out stride: no security (STRIDE) rule runs, only privacy and model-quality rules")
}

func (v *validator) settings() {
	s := v.m.Settings
	if s == nil {
		return
	}
	if v.opts.RuleIDs != nil {
		for i, r := range s.DisabledRules {
			if !contains(v.opts.RuleIDs, r) {
				v.addc(source.CodeReference, s.Source, "disabled_rules", i, source.Suggest(r, v.opts.RuleIDs), "unknown rule '%s'", r)
			}
		}
	}
	if s.Matrix == nil {
		return
	}
	mx := s.Matrix
	if len(mx.LikelihoodNames) != 0 && len(mx.LikelihoodNames) != 5 {
		v.add(mx.Source, "likelihood_names", -1, "", "expected 5 likelihood names, found %d", len(mx.LikelihoodNames))
	}
	if len(mx.ImpactNames) != 0 && len(mx.ImpactNames) != 5 {
		v.add(mx.Source, "impact_names", -1, "", "expected 5 impact names, found %d", len(mx.ImpactNames))
	}
	if len(mx.Bands) != 0 {
		if len(mx.Bands) != 5 {
			v.add(mx.Source, "bands", -1, "one row per likelihood 1..5, one severity per impact 1..5", "expected 5 rows of bands, found %d", len(mx.Bands))
		}
		for i, row := range mx.Bands {
			if len(row) != 5 {
				v.add(mx.Source, "bands", i, "", "expected 5 severities in row %d, found %d", i+1, len(row))
			}
		}
	}
}

// unused warns about declared data nobody handles: usually a modelling gap.
func (v *validator) unused() {
	used := map[string]bool{}
	for i := range v.m.Components {
		for _, id := range v.m.Components[i].Processes {
			used[id] = true
		}
		for _, id := range v.m.Components[i].Stores {
			used[id] = true
		}
	}
	for i := range v.m.Flows {
		for _, id := range v.m.Flows[i].DataSent {
			used[id] = true
		}
		for _, id := range v.m.Flows[i].DataReceived {
			used[id] = true
		}
	}
	for i := range v.m.Data {
		if d := &v.m.Data[i]; !used[d.ID] {
			v.warn(d.Source, "id", -1, "reference it from a component or flow, or remove it", "data asset '%s' is not processed, stored or sent anywhere", d.ID)
		}
	}
}
