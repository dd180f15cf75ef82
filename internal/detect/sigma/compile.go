package sigma

import (
	"encoding/binary"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// node is a compiled condition: it tells whether an event matches.
type node interface {
	eval(m *Matcher) bool
}

type andNode []node
type orNode []node
type notNode struct{ n node }
type constNode bool

// routeNode holds the log source conditions a pipeline adds (Channel,
// EventID): cheap to test but shared by many rules, so the prefilter
// indexes a rule by them only when it has nothing more selective.
type routeNode struct{ n node }

func (r routeNode) eval(m *Matcher) bool { return r.n.eval(m) }

func (a andNode) eval(m *Matcher) bool {
	for _, n := range a {
		if !n.eval(m) {
			return false
		}
	}
	return true
}

func (o orNode) eval(m *Matcher) bool {
	for _, n := range o {
		if n.eval(m) {
			return true
		}
	}
	return false
}

func (n notNode) eval(m *Matcher) bool { return !n.n.eval(m) }

func (c constNode) eval(*Matcher) bool { return bool(c) }

// matchKind is how a string pattern compares.
type matchKind uint8

const (
	mExact matchKind = iota
	mPrefix
	mSuffix
	mContains
	mGlob
	mAny // "*": any value
)

// strPat is one string pattern of a field item, ready to compare.
type strPat struct {
	kind  matchKind
	lit   string // lower-cased unless cased
	g     glob
	cased bool
	hit   int32 // id of lit in the field's Aho-Corasick set, or -1
}

func newStrPat(g glob, cased bool) strPat {
	if !cased {
		g = g.lower()
	}
	p := strPat{g: g, cased: cased, hit: -1}
	n := len(g)
	switch {
	case n == 0:
		p.kind = mExact
	case n == 1 && g[0].wild == 0:
		p.kind, p.lit = mExact, g[0].lit
	case n == 1 && g[0].wild == '*':
		p.kind = mAny
	case n == 2 && g[0].wild == 0 && g[1].wild == '*':
		p.kind, p.lit = mPrefix, g[0].lit
	case n == 2 && g[0].wild == '*' && g[1].wild == 0:
		p.kind, p.lit = mSuffix, g[1].lit
	case n == 3 && g[0].wild == '*' && g[1].wild == 0 && g[2].wild == '*':
		p.kind, p.lit = mContains, g[1].lit
	default:
		p.kind = mGlob
	}
	return p
}

func (p *strPat) test(m *Matcher, v *val) bool {
	s := v.lower
	if p.cased {
		s = v.raw
	}
	switch p.kind {
	case mExact:
		return s == p.lit
	case mPrefix:
		return strings.HasPrefix(s, p.lit)
	case mSuffix:
		return strings.HasSuffix(s, p.lit)
	case mContains:
		if p.hit >= 0 && !p.cased {
			return m.hits.has(p.hit) && (len(p.lit) <= maxHitLen || strings.Contains(s, p.lit))
		}
		return strings.Contains(s, p.lit)
	case mAny:
		return true
	}
	return p.g.match(s)
}

// fieldNode matches one field's values against patterns.
type fieldNode struct {
	field int32
	name  string
	pats  []strPat
	set   map[string]struct{} // many exact lower-cased values, checked at once
	all   bool
	// Other kinds of comparison; at most one is set.
	re      *regexp.Regexp
	res     []*regexp.Regexp // |all|re
	cidrs   []netip.Prefix
	cmp     string // lt, lte, gt, gte
	nums    []float64
	ref     int32 // fieldref: the other field
	refKind matchKind
	refCase bool
	isNull  bool // field: null — absent or null
	exists  int8 // 1 exists, -1 does not exist
}

func (f *fieldNode) eval(m *Matcher) bool {
	first := m.first(f.field)
	switch {
	case f.isNull:
		for i := first; i >= 0; i = m.vals[i].next {
			if m.vals[i].kind != kindNull {
				return false
			}
		}
		return true
	case f.exists != 0:
		return (first >= 0) == (f.exists > 0)
	}
	if first < 0 {
		return false
	}
	if f.all {
		return f.evalAll(m, first)
	}
	for i := first; i >= 0; i = m.vals[i].next {
		if f.one(m, &m.vals[i]) {
			return true
		}
	}
	return false
}

// one tells whether any pattern matches the value.
func (f *fieldNode) one(m *Matcher, v *val) bool {
	if v.kind == kindNull {
		return false
	}
	switch {
	case f.re != nil:
		return f.re.MatchString(v.raw)
	case f.cidrs != nil:
		a, err := netip.ParseAddr(v.raw)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, p := range f.cidrs {
			if p.Contains(a) {
				return true
			}
		}
		return false
	case f.cmp != "":
		x, err := strconv.ParseFloat(v.raw, 64)
		if err != nil {
			return false
		}
		for _, n := range f.nums {
			if compare(f.cmp, x, n) {
				return true
			}
		}
		return false
	case f.ref >= 0:
		return f.refMatch(m, v)
	}
	if f.set != nil {
		if _, ok := f.set[v.lower]; ok {
			return true
		}
	}
	for i := range f.pats {
		if f.pats[i].test(m, v) {
			return true
		}
	}
	return false
}

func (f *fieldNode) evalAll(m *Matcher, first int32) bool {
	any := func(test func(v *val) bool) bool {
		for i := first; i >= 0; i = m.vals[i].next {
			if m.vals[i].kind != kindNull && test(&m.vals[i]) {
				return true
			}
		}
		return false
	}
	for _, re := range f.res {
		if !any(func(v *val) bool { return re.MatchString(v.raw) }) {
			return false
		}
	}
	for i := range f.pats {
		p := &f.pats[i]
		if !any(func(v *val) bool { return p.test(m, v) }) {
			return false
		}
	}
	for _, n := range f.nums {
		if !any(func(v *val) bool {
			x, err := strconv.ParseFloat(v.raw, 64)
			return err == nil && compare(f.cmp, x, n)
		}) {
			return false
		}
	}
	return true
}

func (f *fieldNode) refMatch(m *Matcher, v *val) bool {
	for j := m.first(f.ref); j >= 0; j = m.vals[j].next {
		o := &m.vals[j]
		a, b := v.lower, o.lower
		if f.refCase {
			a, b = v.raw, o.raw
		}
		var ok bool
		switch f.refKind {
		case mPrefix:
			ok = strings.HasPrefix(a, b)
		case mSuffix:
			ok = strings.HasSuffix(a, b)
		case mContains:
			ok = strings.Contains(a, b)
		default:
			ok = a == b
		}
		if ok {
			return true
		}
	}
	return false
}

func compare(op string, x, n float64) bool {
	switch op {
	case "lt":
		return x < n
	case "lte":
		return x <= n
	case "gt":
		return x > n
	default:
		return x >= n
	}
}

// keywordNode matches keywords against every value of the event.
type keywordNode struct {
	pats []strPat
	all  bool
}

func (k *keywordNode) eval(m *Matcher) bool {
	test := func(p *strPat) bool {
		if p.hit >= 0 && !p.cased && p.kind == mContains {
			if !m.hits.has(p.hit) {
				return false
			}
			if len(p.lit) <= maxHitLen {
				return true
			}
		}
		for i := range m.all {
			if m.all[i].kind != kindNull && p.test(m, &m.all[i]) {
				return true
			}
		}
		return false
	}
	for i := range k.pats {
		ok := test(&k.pats[i])
		if k.all && !ok {
			return false
		}
		if !k.all && ok {
			return true
		}
	}
	return k.all
}

// compiler turns rules into nodes, interning field names and collecting
// the Aho-Corasick patterns of the whole rule set.
type compiler struct {
	e        *Engine
	problems Problems
}

func (c *compiler) fail(pos model.Pos, path, hint string, unsupported bool, format string, args ...any) {
	code := source.CodeInvalid
	if unsupported {
		code = CodeUnsupported
	}
	c.problems = append(c.problems, source.Errorf(pos, code, path, hint, format, args...))
}

// detection compiles a detection section to one node.
func (c *compiler) detection(d *Detection) node {
	if d == nil {
		return nil
	}
	searches := map[string]node{}
	for _, name := range d.Order {
		n := c.search(d.Searches[name])
		if n == nil {
			return nil
		}
		searches[name] = n
	}
	var conds orNode
	for _, cond := range d.Conditions {
		e, prob := ParseCondition(cond, d.Searches)
		if prob != nil {
			c.problems = append(c.problems, *prob)
			return nil
		}
		conds = append(conds, c.expr(e, d, searches))
	}
	var out node = conds
	if len(conds) == 1 {
		out = conds[0]
	}
	if len(d.Required)+len(d.Forbidden) > 0 {
		and := andNode{}
		for _, name := range d.Required {
			and = append(and, routeNode{searches[name]})
		}
		for _, name := range d.Forbidden {
			and = append(and, notNode{searches[name]})
		}
		out = append(and, out)
	}
	return out
}

func (c *compiler) expr(e Expr, d *Detection, s map[string]node) node {
	switch e := e.(type) {
	case AndExpr:
		var out andNode
		for _, o := range e.Operands {
			out = append(out, c.expr(o, d, s))
		}
		return out
	case OrExpr:
		var out orNode
		for _, o := range e.Operands {
			out = append(out, c.expr(o, d, s))
		}
		return out
	case NotExpr:
		return notNode{c.expr(e.Operand, d, s)}
	case RefExpr:
		return s[e.Name]
	case OfExpr:
		names := matchSearches(e.Pattern, d.Searches)
		var ns []node
		for _, n := range names {
			ns = append(ns, s[n])
		}
		if len(ns) == 1 {
			return ns[0]
		}
		if e.All {
			return andNode(ns)
		}
		return orNode(ns)
	}
	return constNode(false)
}

func (c *compiler) search(s *Search) node {
	var alts orNode
	for _, items := range s.Alternatives {
		var and andNode
		for _, it := range items {
			n := c.item(it)
			if n == nil {
				return nil
			}
			and = append(and, n)
		}
		if len(and) == 1 {
			alts = append(alts, and[0])
		} else {
			alts = append(alts, and)
		}
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return alts
}

// modifiers sorts an item's modifiers into what they do.
type modifiers struct {
	kind        string // "", contains, startswith, endswith, re, cidr, exists, lt.., fieldref
	all, cased  bool
	neq, expand bool
	reFlags     string
	transforms  []string
	wrapLead    bool
	wrapTrail   bool
}

func (c *compiler) modifiers(it *Item) (modifiers, bool) {
	var m modifiers
	setKind := func(k string) bool {
		if m.kind != "" && m.kind != k && !(m.kind == "fieldref" && (k == "contains" || k == "startswith" || k == "endswith")) && !(k == "fieldref" && (m.kind == "contains" || m.kind == "startswith" || m.kind == "endswith")) {
			c.fail(it.Pos, it.Path, "use one of them", false, "modifiers %q and %q cannot be combined", m.kind, k)
			return false
		}
		if k == "fieldref" || m.kind == "" {
			if m.kind != "" && k == "fieldref" {
				m.transforms = append(m.transforms, "ref:"+m.kind)
			}
			m.kind = k
		} else if m.kind == "fieldref" {
			m.transforms = append(m.transforms, "ref:"+k)
		}
		return true
	}
	for _, mod := range it.Modifiers {
		switch mod {
		case "contains", "startswith", "endswith", "re", "cidr", "exists", "lt", "lte", "gt", "gte", "fieldref":
			if !setKind(mod) {
				return m, false
			}
		case "all":
			m.all = true
		case "cased":
			m.cased = true
		case "neq":
			m.neq = true
		case "expand":
			m.expand = true
		case "i", "m", "s":
			m.reFlags += mod
		case "windash", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide":
			m.transforms = append(m.transforms, mod)
		}
	}
	if m.reFlags != "" && m.kind != "re" {
		c.fail(it.Pos, it.Path, "write e.g. 'field|re|i'", false, "modifiers i, m and s apply only to 're'")
		return m, false
	}
	switch m.kind {
	case "contains":
		m.wrapLead, m.wrapTrail = true, true
	case "startswith":
		m.wrapTrail = true
	case "endswith":
		m.wrapLead = true
	}
	return m, true
}

func (c *compiler) item(it *Item) node {
	mods, ok := c.modifiers(it)
	if !ok {
		return nil
	}
	if it.Field == "" {
		return c.keywords(it, mods)
	}
	f := &fieldNode{field: c.e.intern(it.Field), name: it.Field, all: mods.all, ref: -1}
	var n node = f
	switch mods.kind {
	case "exists":
		if len(it.Values) != 1 || it.Values[0].Kind != BoolValue {
			c.fail(it.Pos, it.Path, "write 'field|exists: true' or false", false, "exists takes one boolean")
			return nil
		}
		f.exists = 1
		if it.Values[0].Text == "false" {
			f.exists = -1
		}
		return wrapNeq(n, mods.neq)
	case "re":
		return c.regexps(it, f, mods)
	case "cidr":
		for _, v := range it.Values {
			p, err := netip.ParsePrefix(v.Text)
			if err != nil {
				c.fail(v.Pos, v.Path, "e.g. 10.0.0.0/8 or fe80::/10", false, "%q is not a CIDR network", v.Text)
				return nil
			}
			f.cidrs = append(f.cidrs, p.Masked())
		}
		return c.split(f, mods)
	case "lt", "lte", "gt", "gte":
		f.cmp = mods.kind
		for _, v := range it.Values {
			x, err := strconv.ParseFloat(v.Text, 64)
			if v.Kind != NumberValue || err != nil {
				c.fail(v.Pos, v.Path, "compare with a number", false, "%s needs a number, not %q", mods.kind, v.Text)
				return nil
			}
			f.nums = append(f.nums, x)
		}
		return wrapNeq(n, mods.neq)
	case "fieldref":
		if len(it.Values) != 1 || it.Values[0].Kind != StringValue {
			if len(it.Values) > 1 {
				var alts orNode
				for _, v := range it.Values {
					one := *it
					one.Values = []Value{v}
					if x := c.item(&one); x != nil {
						alts = append(alts, x)
					} else {
						return nil
					}
				}
				if mods.all {
					return andNode(alts)
				}
				return alts
			}
			c.fail(it.Pos, it.Path, "name the other field", false, "fieldref takes a field name")
			return nil
		}
		f.ref = c.e.intern(it.Values[0].Text)
		f.refCase = mods.cased
		for _, t := range mods.transforms {
			switch t {
			case "ref:contains":
				f.refKind = mContains
			case "ref:startswith":
				f.refKind = mPrefix
			case "ref:endswith":
				f.refKind = mSuffix
			}
		}
		return wrapNeq(n, mods.neq)
	}
	// String comparisons.
	var globs []glob
	hasNull := false
	for _, v := range it.Values {
		switch v.Kind {
		case NullValue:
			if len(it.Values) == 1 && len(mods.transforms) == 0 && mods.kind == "" {
				f.isNull = true
				return wrapNeq(n, mods.neq)
			}
			// null inside a list: an alternative "absent or null".
			hasNull = true
			continue
		case StringValue:
			if ph := Placeholder(v.Text); mods.expand && ph != "" {
				c.fail(v.Pos, v.Path, "give the placeholder values in a pipeline (value_placeholders) or replace them by wildcards (wildcard_placeholders)", true, "placeholder %%%s%% has no value", ph)
				return nil
			}
			gs, ok := c.transform(parseGlob(v.Text), mods, v)
			if !ok {
				return nil
			}
			globs = append(globs, gs...)
		default:
			if len(mods.transforms) > 0 {
				c.fail(v.Pos, v.Path, "quote the value", false, "%s applies to text, not %q", mods.transforms[0], v.Text)
				return nil
			}
			globs = append(globs, literalGlob(v.Text))
		}
	}
	for _, g := range globs {
		f.pats = append(f.pats, newStrPat(g.wrap(mods.wrapLead, mods.wrapTrail), mods.cased))
	}
	if !mods.all && !mods.cased {
		// Many exact values: one set lookup.
		exact := 0
		for _, p := range f.pats {
			if p.kind == mExact {
				exact++
			}
		}
		if exact > 8 {
			f.set = map[string]struct{}{}
			rest := f.pats[:0]
			for _, p := range f.pats {
				if p.kind == mExact {
					f.set[p.lit] = struct{}{}
				} else {
					rest = append(rest, p)
				}
			}
			f.pats = slices.Clip(rest)
		}
	}
	for i := range f.pats {
		c.e.registerPattern(f.field, &f.pats[i])
	}
	n = f
	if hasNull {
		nullNode := &fieldNode{field: f.field, name: f.name, isNull: true, ref: -1}
		if len(f.pats) == 0 && f.set == nil {
			n = nullNode
		} else {
			n = orNode{f, nullNode}
		}
	}
	return wrapNeq(n, mods.neq)
}

func wrapNeq(n node, neq bool) node {
	if neq {
		return notNode{n}
	}
	return n
}

// split turns "all" over cidrs into one node per network.
func (c *compiler) split(f *fieldNode, mods modifiers) node {
	if mods.all && len(f.cidrs) > 1 {
		var and andNode
		for _, p := range f.cidrs {
			g := *f
			g.cidrs = []netip.Prefix{p}
			g.all = false
			and = append(and, &g)
		}
		return wrapNeq(and, mods.neq)
	}
	f.all = false
	return wrapNeq(f, mods.neq)
}

func (c *compiler) regexps(it *Item, f *fieldNode, mods modifiers) node {
	prefix := ""
	if mods.reFlags != "" {
		prefix = "(?" + mods.reFlags + ")"
	}
	var srcs []string
	for _, v := range it.Values {
		if v.Kind == NullValue {
			c.fail(v.Pos, v.Path, "write a pattern", false, "a regular expression cannot be null")
			return nil
		}
		if _, err := regexp.Compile(v.Text); err != nil {
			c.fail(v.Pos, v.Path, "the engine runs RE2 expressions: no look-around or back-references", true, "regular expression %q: %v", v.Text, err)
			return nil
		}
		srcs = append(srcs, v.Text)
	}
	if mods.all {
		for _, s := range srcs {
			f.res = append(f.res, regexp.MustCompile(prefix+s))
		}
		return wrapNeq(f, mods.neq)
	}
	// The alternatives of one item run as one expression.
	if len(srcs) == 1 {
		f.re = regexp.MustCompile(prefix + srcs[0])
	} else {
		f.re = regexp.MustCompile(prefix + "(?:" + strings.Join(srcs, ")|(?:") + ")")
	}
	return wrapNeq(f, mods.neq)
}

// transform applies the encoding modifiers in the order written.
func (c *compiler) transform(g glob, mods modifiers, v Value) ([]glob, bool) {
	gs := []glob{g}
	for _, t := range mods.transforms {
		var next []glob
		for _, g := range gs {
			switch t {
			case "windash":
				for _, s := range windash(globString(g)) {
					next = append(next, stringGlob(s))
				}
			case "wide", "utf16le":
				next = append(next, g.mapLiterals(func(s string) string { return utf16Bytes(s, binary.LittleEndian, false) }))
			case "utf16be":
				next = append(next, g.mapLiterals(func(s string) string { return utf16Bytes(s, binary.BigEndian, false) }))
			case "utf16":
				next = append(next, g.mapLiterals(func(s string) string { return utf16Bytes(s, binary.LittleEndian, true) }))
			case "base64", "base64offset":
				if g.hasWild() {
					c.fail(v.Pos, v.Path, "escape * and ? with a backslash to encode them literally", false, "%s cannot encode a value with wildcards", t)
					return nil, false
				}
				if t == "base64" {
					next = append(next, literalGlob(b64(g.text())))
				} else {
					for _, s := range b64offsets(g.text()) {
						next = append(next, literalGlob(s))
					}
				}
			}
		}
		gs = next
	}
	return gs, true
}

// globString and stringGlob carry wildcards through text transforms as
// the bytes 0 (for *) and 1 (for ?).
func globString(g glob) string {
	var b strings.Builder
	for _, p := range g {
		switch p.wild {
		case '*':
			b.WriteByte(0)
		case '?':
			b.WriteByte(1)
		default:
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

func stringGlob(s string) glob {
	var g glob
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0 || s[i] == 1 {
			if i > start {
				g = append(g, gpart{lit: s[start:i]})
			}
			w := byte('*')
			if s[i] == 1 {
				w = '?'
			}
			g = append(g, gpart{wild: w})
			start = i + 1
		}
	}
	if start < len(s) {
		g = append(g, gpart{lit: s[start:]})
	}
	return g
}

func (c *compiler) keywords(it *Item, mods modifiers) node {
	k := &keywordNode{all: mods.all}
	for _, v := range it.Values {
		if v.Kind == NullValue {
			c.fail(v.Pos, v.Path, "remove it", false, "a keyword cannot be null")
			return nil
		}
		gs, ok := c.transform(parseGlob(v.Text), mods, v)
		if !ok {
			return nil
		}
		for _, g := range gs {
			p := newStrPat(g.wrap(true, true), mods.cased)
			c.e.registerPattern(keywordField, &p)
			k.pats = append(k.pats, p)
		}
	}
	if mods.kind != "" && mods.kind != "contains" {
		c.fail(it.Pos, it.Path, "keywords match anywhere in the event; use a field for "+mods.kind, false, "modifier %q does not apply to keywords", mods.kind)
		return nil
	}
	return k
}
