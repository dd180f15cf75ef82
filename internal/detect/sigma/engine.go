package sigma

import (
	"encoding/binary"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/internal/detect/sigma/internal/ahocorasick"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/source"
)

// keywordField is the pseudo-field of keyword patterns: their automaton
// runs over every value of an event.
const keywordField int32 = 0

// Engine is a compiled rule set. It is safe for concurrent use; each
// goroutine matches with its own Matcher.
type Engine struct {
	fields     map[string]int32
	fieldNames []string
	rules      []*compiled

	// Aho-Corasick patterns: one global id per (field, lower-cased text).
	hitIDs  map[hitKey]int32
	hitLits []string
	fieldAC []*fieldAC // by field id

	// The prefilter: a rule is evaluated only when one of its necessary
	// atoms holds for the event.
	byHit   [][]int32                    // hit id → rules
	byExact map[int32]map[string][]int32 // field → lower value → rules
	byField [][]int32                    // field → rules needing it present
	always  []int32
	exact   []bool // field has exact-value atoms
	// Products whose rules have keyword searches ("" for rules without a
	// product): the keyword automaton runs only for events they may match.
	keywordProducts map[string]bool
}

type hitKey struct {
	field int32
	lit   string
}

type fieldAC struct {
	a   *ahocorasick.Automaton
	ids []int32 // automaton pattern → hit id
}

type compiled struct {
	product string
	rule    *Rule
	node    node
	filters []node
}

// Match is one rule matching one event.
type Match struct {
	Rule *Rule
	// Fields are the fields (and values) whose comparisons made the rule
	// match; keyword matches have the name "keywords".
	Fields []MatchedField
}

// MatchedField is one matched field and its values.
type MatchedField struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// Compile compiles the detection and filter rules of a rule set once.
// Correlation rules are left to the correlation engine. A rule that does
// not compile is reported and left out; the others still load.
func Compile(rules []*Rule) (*Engine, Problems) {
	e := &Engine{fields: map[string]int32{}, hitIDs: map[hitKey]int32{}, byExact: map[int32]map[string][]int32{}}
	e.intern("\x00keywords")
	var problems Problems
	var filters []*Rule
	var filterNodes []node
	for _, r := range rules {
		switch r.Kind {
		case CorrelationRule:
			continue
		case FilterRule:
			c := &compiler{e: e}
			n := c.detection(r.Detection)
			problems = append(problems, c.problems...)
			if n != nil {
				filters = append(filters, r)
				filterNodes = append(filterNodes, n)
			}
			continue
		}
		c := &compiler{e: e}
		n := c.detection(r.Detection)
		problems = append(problems, c.problems...)
		if n == nil {
			continue
		}
		e.rules = append(e.rules, &compiled{rule: r, node: order(n), product: r.LogSource.Product})
	}
	// Filters exclude events from the rules they name.
	for i, f := range filters {
		used := false
		for _, ref := range f.Filter.Rules {
			for _, c := range e.rules {
				if slices.Contains(c.rule.Ref(), ref) && logsourceCovers(f.LogSource, c.rule.LogSource) {
					c.filters = append(c.filters, filterNodes[i])
					used = true
				}
			}
		}
		if !used {
			problems = append(problems, source.Warnf(f.Filter.Pos, source.CodeReference, "filter.rules", "name rules by id or name, with the same logsource", "the filter applies to no loaded rule"))
		}
	}
	e.keywordProducts = map[string]bool{}
	for _, c := range e.rules {
		if hasKeywords(c.node) {
			e.keywordProducts[c.product] = true
		}
	}
	e.index()
	return e, problems
}

func hasKeywords(n node) bool {
	switch n := n.(type) {
	case andNode:
		return slices.ContainsFunc(n, hasKeywords)
	case orNode:
		return slices.ContainsFunc(n, hasKeywords)
	case notNode:
		return hasKeywords(n.n)
	case routeNode:
		return hasKeywords(n.n)
	case *keywordNode:
		return true
	}
	return false
}

// logsourceCovers tells whether a filter's logsource includes a rule's.
func logsourceCovers(f, r LogSource) bool {
	return (f.Category == "" || f.Category == r.Category) && (f.Product == "" || f.Product == r.Product) && (f.Service == "" || f.Service == r.Service)
}

// Rules returns the compiled detection rules, in load order.
func (e *Engine) Rules() []*Rule {
	out := make([]*Rule, len(e.rules))
	for i, c := range e.rules {
		out[i] = c.rule
	}
	return out
}

func (e *Engine) intern(name string) int32 {
	if id, ok := e.fields[name]; ok {
		return id
	}
	id := int32(len(e.fieldNames))
	e.fields[name] = id
	e.fieldNames = append(e.fieldNames, name)
	return id
}

// maxHitLen bounds the patterns of the automata: a longer literal is
// represented by its last maxHitLen bytes, which every match contains,
// and confirmed by a direct search when that part is found. Short
// patterns keep the automata small enough to build in milliseconds.
const maxHitLen = 8

func (e *Engine) hitID(field int32, lit string) int32 {
	if len(lit) > maxHitLen {
		lit = lit[len(lit)-maxHitLen:]
	}
	k := hitKey{field, lit}
	if id, ok := e.hitIDs[k]; ok {
		return id
	}
	id := int32(len(e.hitLits))
	e.hitIDs[k] = id
	e.hitLits = append(e.hitLits, lit)
	return id
}

// registerPattern gives a case-insensitive contains pattern its place in
// the field's automaton, so it is tested once per event for all rules.
func (e *Engine) registerPattern(field int32, p *strPat) {
	if p.kind == mContains && !p.cased && p.lit != "" {
		p.hit = e.hitID(field, p.lit)
	}
}

// order puts cheap comparisons first in each conjunction.
func order(n node) node {
	switch n := n.(type) {
	case andNode:
		for i := range n {
			n[i] = order(n[i])
		}
		slices.SortStableFunc(n, func(a, b node) int { return cost(a) - cost(b) })
		return n
	case orNode:
		for i := range n {
			n[i] = order(n[i])
		}
		return n
	case notNode:
		return notNode{order(n.n)}
	case routeNode:
		return routeNode{order(n.n)}
	}
	return n
}

func cost(n node) int {
	switch n := n.(type) {
	case *fieldNode:
		switch {
		case n.re != nil || n.res != nil:
			return 50
		case n.exists != 0 || n.isNull:
			return 1
		}
		c := 2
		for _, p := range n.pats {
			if p.kind == mGlob {
				c += 5
			} else if p.hit < 0 {
				c++
			}
		}
		return c
	case *keywordNode:
		return 10
	case andNode:
		s := 0
		for _, x := range n {
			s += cost(x)
		}
		return s
	case orNode:
		s := 0
		for _, x := range n {
			s += cost(x)
		}
		return s
	case notNode:
		return cost(n.n) + 1
	case routeNode:
		return cost(n.n)
	}
	return 1
}

// atom is a necessary condition of a rule that an index can find.
type atom struct {
	kind  uint8 // aHit, aExact, aField
	field int32
	lit   string
	hit   int32
}

const (
	aHit uint8 = iota
	aExact
	aField
)

func atomCost(a atom) float64 {
	switch a.kind {
	case aHit:
		if len(a.lit) >= 4 {
			return 0.002
		}
		return 0.05
	case aExact:
		return 0.04
	}
	return 0.3
}

func setCost(as []atom) float64 {
	s := 0.0
	for _, a := range as {
		s += atomCost(a)
	}
	return s
}

// need returns atoms one of which holds whenever n does, or false when
// there are none to index (n may hold on an event with none of them).
func (e *Engine) need(n node) ([]atom, bool) {
	as, _, ok := e.needCost(n)
	return as, ok
}

// routeCost weighs the atoms of log source conditions, which many rules
// share, against a rule's own.
const routeCost = 40

func (e *Engine) needCost(n node) ([]atom, float64, bool) {
	switch n := n.(type) {
	case routeNode:
		as, c, ok := e.needCost(n.n)
		return as, c * routeCost, ok
	case andNode:
		var best []atom
		bestC, found := 0.0, false
		for _, x := range n {
			if as, c, ok := e.needCost(x); ok && (!found || c < bestC) {
				best, bestC, found = as, c, true
			}
		}
		return best, bestC, found
	case orNode:
		var all []atom
		total := 0.0
		for _, x := range n {
			as, c, ok := e.needCost(x)
			if !ok {
				return nil, 0, false
			}
			all = append(all, as...)
			total += c
		}
		return all, total, true
	}
	as, ok := e.leafNeed(n)
	return as, setCost(as), ok
}

func (e *Engine) leafNeed(n node) ([]atom, bool) {
	switch n := n.(type) {
	case constNode:
		return nil, !bool(n)
	case notNode:
		return nil, false
	case *keywordNode:
		return e.patAtoms(keywordField, n.pats, nil, n.all)
	case *fieldNode:
		switch {
		case n.isNull || n.exists < 0:
			return nil, false
		case n.exists > 0 || n.re != nil || n.res != nil || n.cidrs != nil || n.cmp != "" || n.ref >= 0:
			return []atom{{kind: aField, field: n.field}}, true
		}
		return e.patAtoms(n.field, n.pats, n.set, n.all)
	}
	return nil, false
}

func (e *Engine) patAtoms(field int32, pats []strPat, set map[string]struct{}, all bool) ([]atom, bool) {
	var out []atom
	for s := range set {
		out = append(out, atom{kind: aExact, field: field, lit: s})
	}
	var best []atom
	for _, p := range pats {
		var a atom
		lit := p.lit
		if p.cased {
			lit = strings.ToLower(lit)
		}
		switch p.kind {
		case mExact:
			a = atom{kind: aExact, field: field, lit: lit}
			if field == keywordField {
				a = atom{kind: aHit, field: field, lit: lit, hit: e.hitID(field, lit)}
			}
		case mPrefix, mSuffix, mContains:
			if lit == "" {
				a = atom{kind: aField, field: field}
			} else {
				a = atom{kind: aHit, field: field, lit: lit, hit: e.hitID(field, lit)}
			}
		case mGlob:
			l := strings.ToLower(p.g.longestLiteral())
			if l == "" {
				a = atom{kind: aField, field: field}
			} else {
				a = atom{kind: aHit, field: field, lit: l, hit: e.hitID(field, l)}
			}
		default:
			a = atom{kind: aField, field: field}
		}
		if field == keywordField && a.kind == aField {
			return nil, false
		}
		if all {
			if best == nil || atomCost(a) < atomCost(best[0]) {
				best = []atom{a}
			}
			continue
		}
		out = append(out, a)
	}
	if all && best != nil {
		return best, true
	}
	if len(out) == 0 && !all {
		return []atom{{kind: aField, field: field}}, field != keywordField
	}
	return out, true
}

// index builds the prefilter and the automata.
func (e *Engine) index() {
	nf := len(e.fieldNames)
	e.byField = make([][]int32, nf)
	e.exact = make([]bool, nf)
	for i, c := range e.rules {
		atoms, ok := e.need(c.node)
		if !ok {
			e.always = append(e.always, int32(i))
			continue
		}
		for _, a := range atoms {
			switch a.kind {
			case aHit:
				for int(a.hit) >= len(e.byHit) {
					e.byHit = append(e.byHit, nil)
				}
				e.byHit[a.hit] = appendOnce(e.byHit[a.hit], int32(i))
			case aExact:
				m := e.byExact[a.field]
				if m == nil {
					m = map[string][]int32{}
					e.byExact[a.field] = m
				}
				m[a.lit] = appendOnce(m[a.lit], int32(i))
				e.exact[a.field] = true
			case aField:
				e.byField[a.field] = appendOnce(e.byField[a.field], int32(i))
			}
		}
	}
	for len(e.byHit) < len(e.hitLits) {
		e.byHit = append(e.byHit, nil)
	}
	// One automaton per field over all its patterns.
	perField := map[int32][]int32{}
	for k, id := range e.hitIDs {
		perField[k.field] = append(perField[k.field], id)
	}
	e.fieldAC = make([]*fieldAC, nf)
	type job struct {
		field int32
		ids   []int32
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []int32
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for j := range jobs {
				lits := make([]string, len(j.ids))
				for i, id := range j.ids {
					lits[i] = e.hitLits[id]
				}
				a, err := ahocorasick.NewBuilder().AddStrings(lits).Build()
				if err != nil {
					mu.Lock()
					failed = append(failed, j.field)
					mu.Unlock()
					continue
				}
				e.fieldAC[j.field] = &fieldAC{a: a, ids: j.ids}
			}
		})
	}
	// The largest sets first, so the workers finish together.
	order := make([]job, 0, len(perField))
	for f, ids := range perField {
		slices.Sort(ids)
		order = append(order, job{f, ids})
	}
	slices.SortFunc(order, func(a, b job) int { return len(b.ids) - len(a.ids) })
	for _, j := range order {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	// Without an automaton a field's patterns are tested one by one and
	// the rules found through them are evaluated on every event.
	for _, f := range failed {
		for _, c := range e.rules {
			unhit(c.node, f)
		}
		for _, id := range perField[f] {
			e.always = append(e.always, e.byHit[id]...)
		}
	}
}

// unhit makes a field's contains patterns test the text directly.
func unhit(n node, field int32) {
	switch n := n.(type) {
	case andNode:
		for _, x := range n {
			unhit(x, field)
		}
	case orNode:
		for _, x := range n {
			unhit(x, field)
		}
	case notNode:
		unhit(n.n, field)
	case *fieldNode:
		if n.field == field {
			for i := range n.pats {
				n.pats[i].hit = -1
			}
		}
	case *keywordNode:
		if field == keywordField {
			for i := range n.pats {
				n.pats[i].hit = -1
			}
		}
	}
}

func appendOnce(s []int32, v int32) []int32 {
	if len(s) > 0 && s[len(s)-1] == v {
		return s
	}
	return append(s, v)
}

// Stats describes a compiled engine.
type Stats struct {
	Rules, Fields, Patterns, Automata, Unindexed int
}

// Stats reports the size of the compiled rule set.
func (e *Engine) Stats() Stats {
	s := Stats{Rules: len(e.rules), Fields: len(e.fieldNames) - 1, Patterns: len(e.hitLits), Unindexed: len(e.always)}
	for _, a := range e.fieldAC {
		if a != nil {
			s.Automata++
		}
	}
	return s
}

// val is one event value as the matcher sees it.
type val struct {
	raw, lower string
	kind       uint8
	field      int32 // -1 when no rule names the field
	next       int32 // next value of the same field, or -1
}

const kindNull = uint8(event.Null)

type bitset struct {
	words   []uint64
	touched []int32
}

func (b *bitset) set(i int32) {
	w := i >> 6
	if b.words[w] == 0 {
		b.touched = append(b.touched, w)
	}
	b.words[w] |= 1 << (uint(i) & 63)
}

func (b *bitset) has(i int32) bool { return b.words[i>>6]&(1<<(uint(i)&63)) != 0 }

func (b *bitset) clear() {
	for _, w := range b.touched {
		b.words[w] = 0
	}
	b.touched = b.touched[:0]
}

// Matcher matches events against an engine, reusing its buffers. It is
// not safe for concurrent use.
type Matcher struct {
	e       *Engine
	gen     uint32
	slotGen []uint32
	slot    []int32
	vals    []val
	all     []val
	lbuf    []byte
	hits    bitset
	candGen []uint32
	cands   []int32
	// found is scan's buffer of pattern ids, kept from value to value.
	found []ahocorasick.PatternID
}

// NewMatcher returns a matcher for the engine.
func (e *Engine) NewMatcher() *Matcher {
	return &Matcher{
		e:       e,
		slotGen: make([]uint32, len(e.fieldNames)),
		slot:    make([]int32, len(e.fieldNames)),
		hits:    bitset{words: make([]uint64, (len(e.hitLits)+64)/64)},
		candGen: make([]uint32, len(e.rules)),
	}
}

func (m *Matcher) first(field int32) int32 {
	if m.slotGen[field] != m.gen {
		return -1
	}
	return m.slot[field]
}

// Match calls fn for every rule the event matches, in rule order, with
// the event's source told from its fields as far as they tell it: an event
// with a Windows Channel is product windows, any other of unknown source.
// The Match passed to fn is valid only during the call.
func (m *Matcher) Match(ev *event.Event, fn func(Match)) {
	m.match(ev, LogSource{}, true, fn)
}

// MatchFrom is Match for events of a known source: when src names a
// product, only rules of that product apply (a Zeek or proxy rule never
// fires on a Windows event). A zero src applies every rule.
func (m *Matcher) MatchFrom(ev *event.Event, src LogSource, fn func(Match)) {
	m.match(ev, src, false, fn)
}

// match matches ev; with infer, the source is told from the event's
// fields as Match says, in the same pass over them.
func (m *Matcher) match(ev *event.Event, src LogSource, infer bool, fn func(Match)) {
	e := m.e
	m.gen++
	if m.gen == 0 { // wrapped: forget every stamp
		clear(m.slotGen)
		clear(m.candGen)
		m.gen = 1
	}
	m.hits.clear()
	m.vals = m.vals[:0]
	m.lbuf = m.lbuf[:0]
	m.cands = m.cands[:0]
	// Values, lower-cased once into one buffer.
	type span struct{ a, b int }
	var spans [64]span
	sp := spans[:0]
	for _, f := range ev.Fields {
		if infer && (f.Name == "Channel" || f.Name == "Event.System.Channel") {
			src.Product = "windows"
		}
		id, ok := e.fields[f.Name]
		if !ok {
			id = -1
		}
		a := len(m.lbuf)
		if ok {
			m.lbuf = appendLower(m.lbuf, f.Value)
		}
		sp = append(sp, span{a, len(m.lbuf)})
		m.vals = append(m.vals, val{raw: f.Value, kind: uint8(f.Kind), field: id, next: -1})
	}
	// Keywords search every value: lower-case the others too when a rule
	// of this source has keywords.
	keywords := e.fieldAC[keywordField] != nil && (src.Product == "" || e.keywordProducts[src.Product])
	if keywords {
		for i := range m.vals {
			if m.vals[i].field < 0 {
				a := len(m.lbuf)
				m.lbuf = appendLower(m.lbuf, m.vals[i].raw)
				sp[i] = span{a, len(m.lbuf)}
			}
		}
	}
	// The lower-cased values live in the matcher's buffer: they are read
	// only during this call and never handed out (alerts carry raw values).
	lower := unsafeString(m.lbuf)
	for i := range m.vals {
		v := &m.vals[i]
		v.lower = lower[sp[i].a:sp[i].b]
		if v.field < 0 {
			if !keywords {
				v.lower = v.raw // never compared
			}
			continue
		}
		if m.slotGen[v.field] == m.gen {
			// Keep document order: append at the end of the chain.
			j := m.slot[v.field]
			for m.vals[j].next >= 0 {
				j = m.vals[j].next
			}
			m.vals[j].next = int32(i)
		} else {
			m.slotGen[v.field] = m.gen
			m.slot[v.field] = int32(i)
			m.mark(e.byField[v.field])
		}
		if e.exact[v.field] {
			m.mark(e.byExact[v.field][v.lower])
		}
		if ac := e.fieldAC[v.field]; ac != nil {
			m.scan(ac, v.lower)
		}
	}
	m.all = m.vals
	if ac := e.fieldAC[keywordField]; ac != nil && keywords {
		for i := range m.vals {
			m.scan(ac, m.vals[i].lower)
		}
	}
	m.markRules(e.always)
	slices.Sort(m.cands)
	for _, ri := range m.cands {
		c := e.rules[ri]
		if src.Product != "" && c.product != src.Product {
			continue
		}
		if !c.node.eval(m) {
			continue
		}
		filtered := false
		for _, f := range c.filters {
			if f.eval(m) {
				filtered = true
				break
			}
		}
		if filtered {
			continue
		}
		fn(Match{Rule: c.rule, Fields: m.explain(c.node, nil)})
	}
}

// scan records every pattern of the automaton found in s (overlapping
// matches, so patterns inside others count too).
func (m *Matcher) scan(ac *fieldAC, s string) {
	b := unsafeBytes(s)
	// With few patterns, a quick search for their first bytes rules out
	// most values; with many, one pass of the automaton is cheaper.
	if len(b) == 0 || len(ac.ids) <= fewPatterns && !ac.a.IsMatch(b) {
		return
	}
	m.found = ac.a.AppendOverlapping(m.found[:0], b)
	for _, id := range m.found {
		m.hit(ac.ids[id])
	}
}

// fewPatterns is the size of a pattern set up to which scan tries the
// automaton's start-byte prefilter first.
const fewPatterns = 8

func (m *Matcher) hit(id int32) {
	if !m.hits.has(id) {
		m.hits.set(id)
		m.mark(m.e.byHit[id])
	}
}

func (m *Matcher) mark(rules []int32) {
	for _, r := range rules {
		if m.candGen[r] != m.gen {
			m.candGen[r] = m.gen
			m.cands = append(m.cands, r)
		}
	}
}

func (m *Matcher) markRules(rules []int32) { m.mark(rules) }

// explain lists the fields whose comparisons hold in the matching parts
// of n.
func (m *Matcher) explain(n node, out []MatchedField) []MatchedField {
	switch n := n.(type) {
	case andNode:
		for _, x := range n {
			out = m.explain(x, out)
		}
	case orNode:
		for _, x := range n {
			if x.eval(m) {
				out = m.explain(x, out)
			}
		}
	case *fieldNode:
		if n.isNull || n.exists < 0 || !n.eval(m) {
			return out
		}
		mf := MatchedField{Field: n.name}
		for i := m.first(n.field); i >= 0; i = m.vals[i].next {
			if n.all || n.exists > 0 || n.one(m, &m.vals[i]) {
				mf.Values = append(mf.Values, m.vals[i].raw)
			}
		}
		for _, o := range out {
			if o.Field == mf.Field && slices.Equal(o.Values, mf.Values) {
				return out
			}
		}
		out = append(out, mf)
	case *keywordNode:
		mf := MatchedField{Field: "keywords"}
		for i := range m.all {
			v := &m.all[i]
			for j := range n.pats {
				p := &n.pats[j]
				s := v.lower
				if p.cased {
					s = v.raw
				}
				if v.kind != kindNull && (p.kind == mContains && strings.Contains(s, p.lit) || p.kind != mContains && p.test(m, v)) {
					mf.Values = append(mf.Values, v.raw)
					break
				}
			}
		}
		if len(mf.Values) > 0 {
			out = append(out, mf)
		}
	}
	return out
}

// appendLower appends s lower-cased: ASCII eight bytes at a time, other
// runes by their Unicode lower case.
func appendLower(b []byte, s string) []byte {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64(unsafeBytes(s[i : i+8]))
		if w&0x8080808080808080 != 0 {
			break
		}
		// Bytes 'A'..'Z' get their high bit set in upper, then 0x20 added.
		a := w + 0x3f3f3f3f3f3f3f3f // byte + (0x80 - 'A')
		z := w + 0x2525252525252525 // byte + (0x80 - 'Z' - 1)
		upper := a &^ z & 0x8080808080808080
		b = binary.LittleEndian.AppendUint64(b, w|upper>>2)
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			b = append(b, s[i:i+n]...)
		} else {
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		i += n
	}
	return b
}
