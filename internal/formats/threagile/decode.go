package threagile

import (
	"fmt"
	"iter"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// reader walks a Threagile YAML node tree, keeping every position so that
// problems point at the Threagile file's own line and column. It collects
// problems instead of stopping at the first.
type reader struct {
	file     string
	problems *model.Problems
	// expanded counts nodes reached through aliases; past maxExpand the
	// reader stops, so that an alias bomb is refused instead of expanded.
	expanded  int
	maxExpand int
	inAlias   int
	aborted   bool
	// rest holds the further pieces of the file's long sections (nil when
	// the root holds the whole tree).
	rest *source.Rest
}

func (r *reader) pos(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{File: r.file}
	}
	return model.Pos{File: r.file, Line: n.Line, Column: n.Column}
}

func (r *reader) errf(n *yaml.Node, path, hint, format string, args ...any) {
	*r.problems = append(*r.problems, model.Problem{Pos: r.pos(n), Path: path, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (r *reader) warnf(n *yaml.Node, path, hint, format string, args ...any) {
	*r.problems = append(*r.problems, model.Problem{Pos: r.pos(n), Path: path, Message: fmt.Sprintf(format, args...), Hint: hint, Severity: source.Warning})
}

// resolve follows aliases, counting the nodes they expand to.
func (r *reader) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
		r.count(n, 1)
	}
	return n
}

func (r *reader) count(n *yaml.Node, k int) bool {
	if r.aborted {
		return false
	}
	if r.inAlias > 0 || k > 0 {
		r.expanded += k
		if r.expanded > r.maxExpand {
			r.aborted = true
			r.errf(n, "", "anchors and aliases may repeat content, but not multiply it", "the file expands past %d nodes through aliases", r.maxExpand)
			return false
		}
	}
	return true
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// field is one key of a mapping with its value.
type field struct {
	key, val *yaml.Node
}

// obj is a YAML mapping being read: it remembers which keys were read so
// that the rest can be reported as unknown.
type obj struct {
	r    *reader
	n    *yaml.Node
	path string
	// order and fields hold the keys in file order; used marks keys read.
	// Mappings have a few dozen keys at most, so a linear search beats maps.
	order  []string
	fields []field
	used   []bool
	// index maps keys to positions once a mapping is large (maps of
	// elements by title hold thousands of keys).
	index map[string]int
}

// smallMapping is the size up to which keys are found by linear search.
const smallMapping = 32

// find returns the index of key, or -1.
func (o *obj) find(key string) int {
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			return i
		}
		return -1
	}
	for i, k := range o.order {
		if k == key {
			return i
		}
	}
	return -1
}

// add appends a key unless present, reporting whether it was added.
func (o *obj) add(f field) bool {
	if o.find(f.key.Value) >= 0 {
		return false
	}
	o.order = append(o.order, f.key.Value)
	o.fields = append(o.fields, f)
	o.used = append(o.used, false)
	if o.index != nil {
		o.index[f.key.Value] = len(o.order) - 1
	} else if len(o.order) > smallMapping {
		o.index = make(map[string]int, 2*len(o.order))
		for i, k := range o.order {
			o.index[k] = i
		}
	}
	return true
}

// object reads a mapping node (after aliases and merge keys). A null node
// gives an empty object; anything else that is not a mapping is an error
// and gives nil.
func (r *reader) object(n *yaml.Node, path, what string) *obj {
	n = r.resolve(n)
	o := &obj{r: r, n: n, path: path}
	if isNull(n) {
		return o
	}
	if n.Kind != yaml.MappingNode {
		r.errf(n, path, "", "expected %s (a mapping of keys), found %s", what, model.DescribeNode(n))
		return nil
	}
	if !r.count(n, 0) {
		return nil
	}
	size := len(n.Content) / 2
	o.order, o.fields, o.used = make([]string, 0, size), make([]field, 0, size), make([]bool, 0, size)
	var merged []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged = append(merged, r.mergeFields(v, path)...)
			continue
		}
		k = r.resolve(k)
		if k.Kind != yaml.ScalarNode {
			r.errf(k, path, "", "expected a key, found %s", model.DescribeNode(k))
			continue
		}
		if i := o.find(k.Value); i >= 0 {
			r.errf(k, joinPath(path, k.Value), "remove one of them", "duplicate key '%s' (first at line %d)", k.Value, o.fields[i].key.Line)
			continue
		}
		o.add(field{k, v})
	}
	for _, f := range merged { // explicit keys win over merged ones
		o.add(f)
	}
	return o
}

// mergeFields returns the fields a merge key (<<) brings in.
func (r *reader) mergeFields(v *yaml.Node, path string) []field {
	sources := []*yaml.Node{v}
	if rv := r.resolve(v); rv.Kind == yaml.SequenceNode {
		sources = rv.Content
	}
	var out []field
	for _, src := range sources {
		r.inAlias++
		rs := r.resolve(src)
		if rs.Kind != yaml.MappingNode {
			r.errf(src, path, "", "a merge key (<<) takes a mapping or a list of mappings, found %s", model.DescribeNode(rs))
		} else if r.count(rs, len(rs.Content)) {
			sub := r.object(rs, path, "a mapping")
			if sub != nil {
				out = append(out, sub.fields...)
			}
		}
		r.inAlias--
	}
	return out
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// titled renders a path step for a map entry keyed by a title.
func titled(parent, key, title string) string {
	return joinPath(parent, key) + "['" + title + "']"
}

// has reports whether the key is present (even with a null value).
func (o *obj) has(key string) bool { return o.find(key) >= 0 }

// node returns the value node under key, or nil.
func (o *obj) node(key string) *yaml.Node {
	i := o.find(key)
	if i < 0 {
		return nil
	}
	o.used[i] = true
	return o.fields[i].val
}

// at returns the position of the value under key, or of the mapping itself.
func (o *obj) at(key string) model.Pos {
	if i := o.find(key); i >= 0 {
		return o.r.pos(o.fields[i].val)
	}
	return o.r.pos(o.n)
}

// str reads a scalar as text; null and absent read as "".
func (o *obj) str(key string) string {
	n := o.node(key)
	if n == nil {
		return ""
	}
	n = o.r.resolve(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		o.r.errf(n, joinPath(o.path, key), "", "expected a text value, found %s", model.DescribeNode(n))
		return ""
	}
	return n.Value
}

// boolean reads true or false; null and absent read as false.
func (o *obj) boolean(key string) bool {
	n := o.node(key)
	if n == nil {
		return false
	}
	n = o.r.resolve(n)
	if isNull(n) {
		return false
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		hint := ""
		if n.Kind == yaml.ScalarNode {
			switch strings.ToLower(n.Value) {
			case "yes", "y", "on":
				hint = "write true"
			case "no", "n", "off":
				hint = "write false"
			}
		}
		o.r.errf(n, joinPath(o.path, key), hint, "expected true or false, found %s", model.DescribeNode(n))
		return false
	}
	b, _ := strconv.ParseBool(strings.ToLower(n.Value))
	return b
}

// integer reads a whole number; null and absent read as 0.
func (o *obj) integer(key string) int {
	n := o.node(key)
	if n == nil {
		return 0
	}
	n = o.r.resolve(n)
	if isNull(n) {
		return 0
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 32); err == nil {
			return int(i)
		}
	}
	o.r.errf(n, joinPath(o.path, key), "", "expected a whole number, found %s", model.DescribeNode(n))
	return 0
}

// item is one text item of a list, with its node for positions.
type item struct {
	v string
	n *yaml.Node
}

// list reads a list of text values; null and absent read as empty.
func (o *obj) list(key string) []item {
	n := o.node(key)
	if n == nil {
		return nil
	}
	n = o.r.resolve(n)
	if isNull(n) {
		return nil
	}
	path := joinPath(o.path, key)
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode {
			hint = "write a list, e.g. [" + n.Value + "]"
		}
		o.r.errf(n, path, hint, "expected a list, found %s", model.DescribeNode(n))
		return nil
	}
	out := make([]item, 0, len(n.Content))
	for i, c := range n.Content {
		if c.Kind == yaml.AliasNode {
			o.r.inAlias++
		}
		c2 := o.r.resolve(c)
		if c.Kind == yaml.AliasNode {
			o.r.inAlias--
		}
		if isNull(c2) {
			continue
		}
		if c2.Kind != yaml.ScalarNode {
			o.r.errf(c2, path+"["+strconv.Itoa(i)+"]", "", "expected a text value, found %s", model.DescribeNode(c2))
			continue
		}
		out = append(out, item{c2.Value, c2})
	}
	return out
}

// entry is one titled object of a map of objects (Threagile keys its
// elements by title).
type entry struct {
	title string
	key   *yaml.Node
	o     *obj
}

// entries reads a mapping of titles to objects.
func (o *obj) entries(key, what string) []entry {
	var out []entry
	for e := range o.each(key, what) {
		out = append(out, e)
	}
	return out
}

// each yields the entries of a mapping of titles to objects. For a
// top-level section of a large file it goes on with the section's further
// pieces (see source.ParseYAMLSections), one piece at a time, so that a
// piece's tree can be dropped once its entries are read.
func (o *obj) each(key, what string) iter.Seq[entry] {
	return func(yield func(entry) bool) {
		n := o.node(key)
		if n == nil {
			return
		}
		m := o.r.object(n, joinPath(o.path, key), "a mapping of "+what+" by title")
		if m == nil {
			return
		}
		if !o.subObjects(m, 0, key, what, yield) || o.path != "" {
			return
		}
		for piece := range o.r.rest.More(key) {
			from := len(m.order)
			if !m.addPiece(piece) {
				o.r.rest.Abandon()
				return
			}
			if !o.subObjects(m, from, key, what, yield) {
				return
			}
			// The entries are read: only their keys stay, for duplicates.
			for i := from; i < len(m.fields); i++ {
				m.fields[i].val = nil
			}
		}
	}
}

// subObjects yields the objects of m's fields from index from on, and
// reports whether to go on.
func (o *obj) subObjects(m *obj, from int, key, what string, yield func(entry) bool) bool {
	for i := from; i < len(m.order); i++ {
		f := m.fields[i]
		m.used[i] = true
		isAlias := f.val.Kind == yaml.AliasNode
		if isAlias {
			o.r.inAlias++
		}
		sub := o.r.object(f.val, titled(o.path, key, m.order[i]), "a "+what)
		if isAlias {
			o.r.inAlias--
		}
		if o.r.aborted {
			return false
		}
		if sub != nil && !yield(entry{title: m.order[i], key: f.key, o: sub}) {
			return false
		}
	}
	return true
}

// addPiece adds the entries of a further piece of m's mapping, reporting
// duplicates of earlier keys as object does. It reports false for a piece
// it cannot add as the whole mapping would have read it (a merge key).
func (m *obj) addPiece(piece *yaml.Node) bool {
	for i := 0; i+1 < len(piece.Content); i += 2 {
		k, v := piece.Content[i], piece.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
			return false
		}
		if j := m.find(k.Value); j >= 0 {
			m.r.errf(k, joinPath(m.path, k.Value), "remove one of them", "duplicate key '%s' (first at line %d)", k.Value, m.fields[j].key.Line)
			continue
		}
		m.add(field{k, v})
	}
	return true
}

// titledList reads a section written either as a mapping of titles to
// objects or as a list of objects that carry their title under "title"
// (Threagile 1.0 writes custom_risk_categories so).
func (o *obj) titledList(key, what string) []entry {
	n := o.node(key)
	if n == nil {
		return nil
	}
	if rn := o.r.resolve(n); rn.Kind != yaml.SequenceNode {
		return o.entries(key, what)
	}
	n = o.r.resolve(n)
	path := joinPath(o.path, key)
	out := make([]entry, 0, len(n.Content))
	for i, c := range n.Content {
		sub := o.r.object(c, path+"["+strconv.Itoa(i)+"]", "a "+what)
		if o.r.aborted {
			return out
		}
		if sub == nil {
			continue
		}
		title := strings.TrimSpace(sub.str("title"))
		if title == "" {
			title = strings.TrimSpace(sub.str("id"))
		}
		out = append(out, entry{title: title, key: o.r.resolve(c), o: sub})
	}
	return out
}

// enum reads a value from a fixed vocabulary. A missing value is an error
// when required; an unknown one always is, with the closest valid word.
func (o *obj) enum(key string, allowed []string, required bool) string {
	n := o.node(key)
	v := o.str(key)
	if v == "" {
		path := joinPath(o.path, key)
		if required {
			at := o.n
			if n != nil {
				at = n
			}
			hint := "allowed values: " + strings.Join(allowed, ", ")
			if len(allowed) > 12 {
				hint = "see Threagile's schema for the allowed values, e.g. " + strings.Join(allowed[:4], ", ")
			}
			o.r.errf(at, path, hint, "missing required key '%s'", key)
		}
		return ""
	}
	for _, a := range allowed {
		if a == strings.TrimSpace(v) {
			return a
		}
	}
	path := joinPath(o.path, key)
	hint := suggest(v, allowed)
	msg := "unknown value '%s' for %s, expected one of " + strings.Join(allowed, ", ")
	if len(allowed) > 12 {
		msg = "unknown value '%s' for %s, expected one of " + strings.Join(allowed[:12], ", ") + ", ..."
		if hint == "" {
			hint = "see Threagile's schema for every allowed value"
		}
	}
	o.r.errf(o.r.resolve(n), path, hint, msg, v, key)
	return ""
}

// requireID reads an element id, which Threagile requires and limits to
// letters, digits and hyphens.
func (o *obj) requireID(what string) (string, *yaml.Node) {
	n := o.node("id")
	id := strings.TrimSpace(o.str("id"))
	if id == "" {
		at := o.n
		if n != nil {
			at = o.r.resolve(n)
		}
		o.r.errf(at, joinPath(o.path, "id"), "give every "+what+" an id of letters, digits and hyphens", "missing required key 'id'")
		return "", nil
	}
	return id, o.r.resolve(n)
}

// unknown warns about keys that were not read: Threagile itself ignores
// them, so a typo there silently loses data.
func (o *obj) unknown(known []string) {
	for i, k := range o.order {
		if o.used[i] {
			continue
		}
		hint := suggest(k, known)
		o.r.warnf(o.fields[i].key, joinPath(o.path, k), hint, "unknown key '%s' is ignored", k)
	}
}

// suggest is model.Suggest preferring, among equally close words, one with
// the same first letter ("htps" suggests "https", not "ftps").
func suggest(word string, candidates []string) string {
	if word == "" {
		return ""
	}
	var same []string
	for _, c := range candidates {
		if c != "" && c[0] == word[0] {
			same = append(same, c)
		}
	}
	if h := model.Suggest(word, same); h != "" {
		if all := model.Suggest(word, candidates); all != "" && dist(word, all) < dist(word, h) {
			return all
		}
		return h
	}
	return model.Suggest(word, candidates)
}

// dist is the edit distance between a word and the quoted word in a hint.
func dist(word, hint string) int {
	c := strings.TrimSuffix(strings.TrimPrefix(hint, "did you mean '"), "'?")
	prev := make([]int, len(c)+1)
	cur := make([]int, len(c)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(word); i++ {
		cur[0] = i
		for j := 1; j <= len(c); j++ {
			cost := 1
			if word[i-1] == c[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(c)]
}
