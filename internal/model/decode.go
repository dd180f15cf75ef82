package model

import (
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/source"
)

// decoder maps a YAML node tree onto the model types, collecting every
// problem instead of stopping at the first. The tree's alias expansion was
// bounded when it was parsed (source.ParseYAML), so following aliases here
// needs no count.
type decoder struct {
	file     string
	problems Problems
	// inAlias is above zero while decoding through an alias, where nodes
	// are shared and lists are decoded sequentially.
	inAlias int
	// reported dedupes problems met again through aliases and merge keys.
	reported map[[2]int]string
	// workers, when above one, lets long lists of elements be decoded
	// concurrently; the loader allows it only for files without aliases,
	// where no node is shared between elements.
	workers int
	// rest holds the further pieces of the file's long sections, which the
	// root's lists take in as they are read (nil when the root holds the
	// whole tree).
	rest *source.Rest
}

// parallelItems is the list length from which elements are decoded concurrently.
const parallelItems = 2048

type fieldInfo struct {
	name     string
	index    int
	required bool
}

type structInfo struct {
	fields []fieldInfo
	byName map[string]int
	names  []string
}

var structCache sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) *structInfo {
	if v, ok := structCache.Load(t); ok {
		return v.(*structInfo)
	}
	si := &structInfo{byName: map[string]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			continue
		}
		req := false
		for _, opt := range strings.Split(f.Tag.Get("jsonschema"), ",") {
			if opt == "required" {
				req = true
			}
		}
		si.byName[name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{name: name, index: i, required: req})
		si.names = append(si.names, name)
	}
	structCache.Store(t, si)
	return si
}

// enumInfo caches an enumerated type's values, as a list and a set.
type enumInfo struct {
	values []string
	set    map[string]struct{}
}

var enumCache sync.Map // reflect.Type -> *enumInfo (nil for non-enum string types)

// enumOf returns the values of an enumerated string type, or nil.
func enumOf(t reflect.Type) *enumInfo {
	if v, ok := enumCache.Load(t); ok {
		return v.(*enumInfo)
	}
	var e *enumInfo
	if t.Implements(enumType) {
		values := reflect.Zero(t).Interface().(Enum).Values()
		e = &enumInfo{values: values, set: make(map[string]struct{}, len(values))}
		for _, v := range values {
			e.set[v] = struct{}{}
		}
	}
	enumCache.Store(t, e)
	return e
}

type sourceSetter interface {
	setSource(file, path string, n *yaml.Node)
	addItems(key string, n *yaml.Node)
}

var (
	dateType = reflect.TypeOf(Date{})
	enumType = reflect.TypeOf((*Enum)(nil)).Elem()
)

func (d *decoder) addf(n *yaml.Node, code source.Code, path keyPath, hint, format string, args ...any) {
	p := problemf(Pos{File: d.file, Line: n.Line, Column: n.Column}, code, path.String(), hint, format, args...)
	if d.reported == nil {
		d.reported = map[[2]int]string{}
	}
	at := [2]int{n.Line, n.Column}
	if d.reported[at] == p.Message {
		return // the same node seen again through an alias
	}
	d.reported[at] = p.Message
	d.problems = append(d.problems, p)
}

// resolve follows aliases.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return n
		}
		n = n.Alias
	}
	return n
}

// keyPath is a key path such as "flows[2].data_sent[0]", kept in parts
// and joined only when needed (for an element's Source or a problem), so
// that decoding a scalar allocates no path string.
type keyPath struct {
	base string // the enclosing element's path
	key  string // a key under base, or ""
	idx  int    // a list index plus one, or 0 for none
}

// String joins the parts: base.key[idx-1].
func (p keyPath) String() string {
	s := p.base
	if p.key != "" {
		if s != "" {
			s += "."
		}
		s += p.key
	}
	if p.idx > 0 {
		s += "[" + strconv.Itoa(p.idx-1) + "]"
	}
	return s
}

// item returns the path of the i-th item of the list at p.
func (p keyPath) item(i int) keyPath {
	if p.idx > 0 {
		return keyPath{base: p.String(), idx: i + 1}
	}
	return keyPath{base: p.base, key: p.key, idx: i + 1}
}

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path keyPath) {
	if n.Kind == yaml.AliasNode {
		d.inAlias++
		d.decode(d.resolve(n), v, path)
		d.inAlias--
		return
	}
	if v.Kind() == reflect.Pointer {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
		return
	}
	if v.Type() == dateType {
		d.decodeDate(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.String:
		d.decodeString(n, v, path)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.addf(n, source.CodeType, path, boolHint(n), "expected true or false, found %s", source.DescribeNode(n))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			hint := ""
			if _, err := strconv.Atoi(n.Value); err == nil && n.Kind == yaml.ScalarNode {
				hint = "write " + n.Value + " without quotes"
			}
			d.addf(n, source.CodeType, path, hint, "expected a whole number, found %s", source.DescribeNode(n))
			return
		}
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 32)
		if err != nil {
			d.addf(n, source.CodeType, path, "", "expected a whole number, found %s", source.DescribeNode(n))
			return
		}
		v.SetInt(i)
	default:
		d.addf(n, source.CodeType, path, "", "cannot decode into %s", v.Type())
	}
}

func boolHint(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "yes", "y", "on":
			return "write true"
		case "no", "n", "off":
			return "write false"
		case "true", "false":
			return "write " + strings.ToLower(n.Value) + " without quotes"
		}
	}
	return ""
}

func (d *decoder) decodeDate(n *yaml.Node, v reflect.Value, path keyPath) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!timestamp" || n.Tag == "!!str") {
		if t, err := ParseDate(n.Value); err == nil {
			v.Set(reflect.ValueOf(t))
			return
		}
	}
	d.addf(n, source.CodeType, path, "write the date as YYYY-MM-DD, e.g. 2026-12-31", "expected a date, found %s", source.DescribeNode(n))
}

func (d *decoder) decodeString(n *yaml.Node, v reflect.Value, path keyPath) {
	if n.Kind != yaml.ScalarNode {
		d.addf(n, source.CodeType, path, "", "expected a string, found %s", source.DescribeNode(n))
		return
	}
	if n.Tag == "!!null" {
		return
	}
	v.SetString(n.Value)
	if n.Value == "" {
		return
	}
	if e := enumOf(v.Type()); e != nil {
		if _, ok := e.set[n.Value]; ok {
			return
		}
		values := e.values
		d.addf(n, source.CodeUnknownValue, path, source.Suggest(n.Value, values), "unknown value '%s', expected %s", n.Value, oneOf(values))
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path keyPath) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		hint := ""
		if n.Kind == yaml.ScalarNode {
			hint = "write a list, e.g. [" + n.Value + "]"
		}
		d.addf(n, source.CodeType, path, hint, "expected a list, found %s", source.DescribeNode(n))
		return
	}
	d.appendItems(n, v, path, 0)
}

// appendItems decodes the elements of list n onto the end of slice v; first
// is the index in the file's list of n's first element, for key paths.
func (d *decoder) appendItems(n *yaml.Node, v reflect.Value, path keyPath, first int) {
	base := v.Len()
	v.Grow(len(n.Content))
	out := v.Slice(0, base+len(n.Content))
	// Elements (structs) that are not mappings are reported and left out,
	// so that validation never sees an element without a position.
	structs := v.Type().Elem().Kind() == reflect.Struct && v.Type().Elem() != dateType
	if structs && d.workers > 1 && d.inAlias == 0 && len(n.Content) >= parallelItems && first == 0 {
		v.Set(out.Slice(0, d.decodeItemsParallel(n, out, base, path)))
		return
	}
	kept := base
	for i, item := range n.Content {
		d.decode(item, out.Index(kept), path.item(first+i))
		if r := d.resolve(item); !structs || r.Kind == yaml.MappingNode || isNull(r) {
			kept++
		} else {
			out.Index(kept).SetZero()
		}
	}
	v.Set(out.Slice(0, kept))
}

// decodeItemsParallel decodes the elements of list n into out[base:],
// splitting the list between d.workers decoders, then drops the items that
// are not mappings, as the sequential path does. It returns how many
// elements of out to keep.
func (d *decoder) decodeItemsParallel(n *yaml.Node, out reflect.Value, base int, path keyPath) int {
	items := n.Content
	per := (len(items) + d.workers - 1) / d.workers
	subs := make([]*decoder, 0, d.workers)
	var wg sync.WaitGroup
	for lo := 0; lo < len(items); lo += per {
		hi := min(lo+per, len(items))
		sub := &decoder{file: d.file}
		subs = append(subs, sub)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				sub.decode(items[i], out.Index(base+i), path.item(i))
			}
		}()
	}
	wg.Wait()
	for _, sub := range subs {
		d.problems = append(d.problems, sub.problems...)
	}
	kept := base
	for i, item := range items {
		if r := d.resolve(item); r.Kind == yaml.MappingNode || isNull(r) {
			if kept != base+i {
				out.Index(kept).Set(out.Index(base + i))
			}
			kept++
		}
	}
	for i := kept; i < out.Len(); i++ {
		out.Index(i).SetZero()
	}
	return kept
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path keyPath) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.addf(n, source.CodeType, path, "", "expected a mapping, found %s", source.DescribeNode(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	full := path.String()
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := d.resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.addf(k, source.CodeType, path, "", "expected a string key, found %s", source.DescribeNode(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.addf(k, source.CodeDuplicateKey, keyPath{base: full, key: k.Value}, "remove one of them", "duplicate key '%s' (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		ev := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, ev, keyPath{base: full, key: k.Value})
		v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), ev)
	}
}

// pairs returns a mapping's key/value pairs with YAML merge keys (<<) applied
// (explicit keys win over merged ones), or nil when the mapping has no merge
// key and its content can be walked as is.
func (d *decoder) pairs(n *yaml.Node, path keyPath) [][2]*yaml.Node {
	hasMerge := false
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			hasMerge = true
			break
		}
	}
	if !hasMerge {
		// The common case: the caller walks the content itself, without copying.
		return nil
	}
	if all := d.allPairs(n, path); all != nil {
		return all
	}
	return [][2]*yaml.Node{}
}

// allPairs returns a mapping's key/value pairs with merge keys applied.
func (d *decoder) allPairs(n *yaml.Node, path keyPath) [][2]*yaml.Node {
	var explicit, merged [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			sources := []*yaml.Node{val}
			if rv := d.resolve(val); rv.Kind == yaml.SequenceNode {
				sources = rv.Content
			}
			for _, src := range sources {
				if src.Kind == yaml.AliasNode {
					d.inAlias++
				}
				rs := d.resolve(src)
				if rs.Kind != yaml.MappingNode {
					d.addf(src, source.CodeType, path, "", "a merge key (<<) takes a mapping or a list of mappings, found %s", source.DescribeNode(rs))
				} else {
					merged = append(merged, d.allPairs(rs, path)...)
				}
				if src.Kind == yaml.AliasNode {
					d.inAlias--
				}
			}
			continue
		}
		explicit = append(explicit, [2]*yaml.Node{k, val})
	}
	if len(merged) == 0 {
		return explicit
	}
	have := map[string]bool{}
	for _, p := range explicit {
		have[p[0].Value] = true
	}
	for _, p := range merged {
		if !have[p[0].Value] {
			explicit = append(explicit, p)
			have[p[0].Value] = true
		}
	}
	return explicit
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path keyPath) {
	si := infoOf(v.Type())
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		n2 := *n
		n2.Kind, n2.Content = yaml.MappingNode, nil
		n = &n2
	} else if n.Kind != yaml.MappingNode {
		d.addf(n, source.CodeType, path, "", "expected a mapping with keys %s, found %s", strings.Join(firstN(si.names, 6), ", "), source.DescribeNode(n))
		return
	}
	full := path.String()
	if s, ok := v.Addr().Interface().(sourceSetter); ok {
		s.setSource(d.file, full, n)
	}
	var present, seen uint64 // bits per field; models have far fewer than 64 keys per type
	merged := d.pairs(n, path)
	count := len(n.Content) / 2
	if merged != nil {
		count = len(merged)
	}
	for i := 0; i < count; i++ {
		var p [2]*yaml.Node
		if merged != nil {
			p = merged[i]
		} else {
			p = [2]*yaml.Node{n.Content[2*i], n.Content[2*i+1]}
		}
		k := d.resolve(p[0])
		if k.Kind != yaml.ScalarNode {
			d.addf(k, source.CodeType, path, "", "expected a key, found %s", source.DescribeNode(k))
			continue
		}
		idx, ok := si.byName[k.Value]
		if !ok {
			hint := source.Suggest(k.Value, si.names)
			if hint == "" {
				hint = "allowed keys: " + strings.Join(si.names, ", ")
			}
			d.addf(k, source.CodeUnknownKey, keyPath{base: full, key: k.Value}, hint, "unknown key '%s'", k.Value)
			continue
		}
		if seen&(1<<uint(idx)) != 0 {
			d.addf(k, source.CodeDuplicateKey, keyPath{base: full, key: k.Value}, "remove one of them", "duplicate key '%s' (first at line %d)", k.Value, firstKeyLine(n, merged, k.Value))
			continue
		}
		seen |= 1 << uint(idx)
		f := si.fields[idx]
		if !isNull(d.resolve(p[1])) {
			present |= 1 << uint(idx)
		}
		d.decode(p[1], v.Field(f.index), keyPath{base: full, key: f.name})
		if d.rest != nil && path == (keyPath{}) {
			// A long section of a large file: its further pieces follow.
			first := len(p[1].Content)
			if fv := v.Field(f.index); fv.Kind() == reflect.Slice {
				fv.Grow(d.rest.Len(k.Value))
			}
			for piece := range d.rest.More(k.Value) {
				if s, ok := v.Addr().Interface().(sourceSetter); ok {
					s.addItems(k.Value, piece)
				}
				d.appendItems(piece, v.Field(f.index), keyPath{base: full, key: f.name}, first)
				first += len(piece.Content)
			}
		}
	}
	for i, f := range si.fields {
		if f.required && present&(1<<uint(i)) == 0 {
			d.addf(n, source.CodeMissingKey, path, "", "missing required key '%s'", f.name)
		}
	}
}

// firstKeyLine returns the line of the first key named key in a mapping
// (or in its merged pairs).
func firstKeyLine(n *yaml.Node, merged [][2]*yaml.Node, key string) int {
	if merged != nil {
		for _, p := range merged {
			if p[0].Value == key {
				return p[0].Line
			}
		}
		return 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 0
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || (n.Tag == "!!str" && n.Value == "" && n.Style == 0))
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(append([]string{}, s[:n]...), "...")
	}
	return s
}

// modelValue is the addressable struct value the decoder fills for a model.
func modelValue(m *Model) reflect.Value { return reflect.ValueOf(m).Elem() }
