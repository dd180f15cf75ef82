package source

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Pos is the position of n in the document.
func (d *Doc) Pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: d.File, Line: 1, Column: 1}
	}
	return Pos{File: d.File, Line: n.Line, Column: n.Column}
}

// Errorf records an error with code at n.
func (d *Doc) Errorf(n *yaml.Node, code Code, path, hint, format string, args ...any) {
	d.Problems = append(d.Problems, Errorf(d.Pos(n), code, path, hint, format, args...))
}

// Warnf records a warning with code at n.
func (d *Doc) Warnf(n *yaml.Node, code Code, path, hint, format string, args ...any) {
	d.Problems = append(d.Problems, Warnf(d.Pos(n), code, path, hint, format, args...))
}

// HasErrors reports whether any error (not warning) was recorded.
func (d *Doc) HasErrors() bool { return d.Problems.HasErrors() }

// resolve follows aliases. Their expansion was bounded when the document
// was parsed, so following them needs no count.
func (d *Doc) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// Obj is a mapping node being read, with its key path.
type Obj struct {
	D    *Doc
	N    *yaml.Node
	Path string
}

// Object reads n as an object. It records an error and returns ok=false
// when n is something else; a missing or null node gives an empty object.
func (d *Doc) Object(n *yaml.Node, path string) (Obj, bool) {
	n = d.resolve(n)
	if IsNull(n) {
		return Obj{D: d, Path: path}, true
	}
	if n.Kind != yaml.MappingNode {
		d.Errorf(n, CodeType, path, "", "expected an object, found %s", d.Describe(n))
		return Obj{D: d, Path: path}, false
	}
	return Obj{D: d, N: n, Path: path}, true
}

// Present reports whether the object exists (is not null or missing).
func (o Obj) Present() bool { return o.N != nil }

// KeyPath joins the object's path with key.
func (o Obj) KeyPath(key string) string {
	if o.Path == "" {
		return key
	}
	return o.Path + "." + key
}

// Get returns the value under key (the first, should YAML repeat it), or
// nil. JSON documents hold each key once: the parser refuses duplicates.
func (o Obj) Get(key string) *yaml.Node {
	if o.N == nil {
		return nil
	}
	for i := 0; i+1 < len(o.N.Content); i += 2 {
		if o.N.Content[i].Value == key {
			return o.D.resolve(o.N.Content[i+1])
		}
	}
	return nil
}

// Has reports whether key is present with a non-null value.
func (o Obj) Has(key string) bool { return !IsNull(o.Get(key)) }

// At returns the node to point at for key: its value, or the object itself when absent.
func (o Obj) At(key string) *yaml.Node {
	if v := o.Get(key); v != nil {
		return v
	}
	return o.N
}

// Keys lists the object's keys in order.
func (o Obj) Keys() []string {
	if o.N == nil {
		return nil
	}
	out := make([]string, 0, len(o.N.Content)/2)
	for i := 0; i+1 < len(o.N.Content); i += 2 {
		out = append(out, o.N.Content[i].Value)
	}
	return out
}

// missingHints are the default hints for common required keys.
var missingHints = map[string]string{
	"id":   "every element needs an id of its own, unique in the file",
	"name": "give the element a name",
	"type": "give the element's type",
}

// Missing records "missing required key" for key; an empty hint is
// replaced by a default for common keys.
func (o Obj) Missing(key, hint string) {
	if hint == "" {
		hint = missingHints[key]
	}
	n := o.N
	if n == nil {
		n = o.D.Root
	}
	o.D.Errorf(n, CodeMissingKey, o.KeyPath(key), hint, "missing required key '%s'", key)
}

// Str reads a string under key. Numbers and booleans are refused with an
// error naming the found type; a missing key gives "" (and an error when required).
func (o Obj) Str(key string, required bool) string {
	v := o.Get(key)
	if IsNull(v) {
		if required {
			o.Missing(key, "")
		}
		return ""
	}
	if v.Kind != yaml.ScalarNode || (v.Tag != "!!str" && !(!o.D.JSON && (v.Tag == "!!int" || v.Tag == "!!float" || v.Tag == "!!timestamp"))) {
		o.D.Errorf(v, CodeType, o.KeyPath(key), "", "expected a string, found %s", o.D.Describe(v))
		return ""
	}
	return v.Value
}

// ID reads a string or integer identifier under key (some tools write ids as numbers).
func (o Obj) ID(key string, required bool) string {
	v := o.Get(key)
	if v != nil && v.Kind == yaml.ScalarNode && v.Tag == "!!int" {
		return v.Value
	}
	return o.Str(key, required)
}

// Bool reads a boolean under key; missing gives false.
func (o Obj) Bool(key string) bool {
	v := o.Get(key)
	if IsNull(v) {
		return false
	}
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		o.D.Errorf(v, CodeType, o.KeyPath(key), "write true or false", "expected a boolean, found %s", o.D.Describe(v))
		return false
	}
	return v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
}

// Num reads a number under key; ok is false when it is missing or not a number.
func (o Obj) Num(key string, required bool) (float64, bool) {
	v := o.Get(key)
	if IsNull(v) {
		if required {
			o.Missing(key, "")
		}
		return 0, false
	}
	if v.Kind != yaml.ScalarNode || (v.Tag != "!!int" && v.Tag != "!!float") {
		o.D.Errorf(v, CodeType, o.KeyPath(key), "", "expected a number, found %s", o.D.Describe(v))
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v.Value, "_", ""), 64)
	if err != nil {
		if i, err2 := strconv.ParseInt(v.Value, 0, 64); err2 == nil {
			return float64(i), true
		}
		o.D.Errorf(v, CodeInvalidValue, o.KeyPath(key), "", "invalid number %q", v.Value)
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		o.D.Errorf(v, CodeInvalidValue, o.KeyPath(key), "", "expected a finite number, found %s", v.Value)
		return 0, false
	}
	return f, true
}

// Arr reads an array under key; missing or null gives nil. Items are
// returned with their paths.
func (o Obj) Arr(key string, required bool) []Item {
	v := o.Get(key)
	if IsNull(v) {
		if required {
			o.Missing(key, "")
		}
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		o.D.Errorf(v, CodeType, o.KeyPath(key), "", "expected an array, found %s", o.D.Describe(v))
		return nil
	}
	out := make([]Item, 0, len(v.Content))
	for i, n := range v.Content {
		out = append(out, Item{N: o.D.resolve(n), Path: o.KeyPath(key) + "[" + strconv.Itoa(i) + "]"})
	}
	return out
}

// Item is one element of an array with its key path.
type Item struct {
	N    *yaml.Node
	Path string
}

// Obj reads the object under key.
func (o Obj) Obj(key string) (Obj, bool) {
	return o.D.Object(o.Get(key), o.KeyPath(key))
}

// Strs reads an array of strings under key, skipping (with an error) items of other types and nulls.
func (o Obj) Strs(key string) []string {
	var out []string
	for _, it := range o.Arr(key, false) {
		if IsNull(it.N) {
			continue
		}
		if it.N.Kind != yaml.ScalarNode || it.N.Tag == "!!map" || it.N.Tag == "!!seq" {
			o.D.Errorf(it.N, CodeType, it.Path, "", "expected a string, found %s", o.D.Describe(it.N))
			continue
		}
		if o.D.JSON && it.N.Tag != "!!str" {
			o.D.Errorf(it.N, CodeType, it.Path, "", "expected a string, found %s", o.D.Describe(it.N))
			continue
		}
		out = append(out, it.N.Value)
	}
	return out
}

// ItemObj reads an array item as an object.
func (d *Doc) ItemObj(it Item) (Obj, bool) {
	if IsNull(it.N) {
		d.Errorf(it.N, CodeType, it.Path, "", "expected an object, found null")
		return Obj{D: d, Path: it.Path}, false
	}
	return d.Object(it.N, it.Path)
}
