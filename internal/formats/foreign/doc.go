// Package foreign holds what the importers of other tools' formats share:
// a position-keeping reader for JSON and YAML documents that records every
// problem with the foreign file's own line and column, id sanitising, and a
// structural comparison of models used by round-trip tests.
package foreign

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// MaxAliasExpansion bounds how many nodes aliases may add to one document,
// so that a small YAML file cannot expand into a huge one.
const MaxAliasExpansion = 100_000

// Doc is a parsed foreign document with the problems found while reading it.
type Doc struct {
	// File names the document in problems.
	File string
	// Root is the document's top node (nil when it could not be parsed).
	Root *yaml.Node
	// JSON reports whether the document was written as JSON.
	JSON bool
	// Problems collects errors and warnings in source order of discovery.
	Problems model.Problems

	// src is the document as the input layer reads it; see source.
	src *source.Doc
}

// LooksJSON reports whether data starts, after blanks and a byte-order mark, with '{' or '['.
var LooksJSON = source.LooksJSON

// LineCol converts a byte offset into a 1-based line and column (in characters).
var LineCol = source.LineCol

// Parse reads data as JSON (when it looks like JSON) or YAML and returns the
// document, through the input layer: syntax errors, invalid UTF-8 and NUL
// bytes are recorded with their position, and so is a JSON key given
// twice (the first is kept); Root is nil when the document cannot be read.
// maxExpansion bounds what aliases may add (MaxAliasExpansion when 0).
func Parse(name string, data []byte, maxExpansion int) *Doc {
	if maxExpansion <= 0 {
		maxExpansion = MaxAliasExpansion
	}
	sd := source.Parse(name, data, source.Limits{MaxExpansion: maxExpansion})
	d := &Doc{File: name, Root: sd.Root, JSON: sd.JSON, Problems: sd.Problems}
	sd.Problems = nil
	d.src = sd
	return d
}

// Pos is the position of n in the document.
func (d *Doc) Pos(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{File: d.File, Line: 1, Column: 1}
	}
	return model.Pos{File: d.File, Line: n.Line, Column: n.Column}
}

// Errorf records an error at n.
func (d *Doc) Errorf(n *yaml.Node, path, hint, format string, args ...any) {
	d.Problems = append(d.Problems, model.Problem{Pos: d.Pos(n), Path: path, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// Warnf records a warning at n.
func (d *Doc) Warnf(n *yaml.Node, path, hint, format string, args ...any) {
	d.Problems = append(d.Problems, model.Problem{Pos: d.Pos(n), Path: path, Message: fmt.Sprintf(format, args...), Hint: hint, Severity: source.Warning})
}

// HasErrors reports whether any error (not warning) was recorded.
func (d *Doc) HasErrors() bool { return len(d.Problems.Errors()) > 0 }

// resolve follows aliases. Parse refused documents whose aliases expand
// past MaxAliasExpansion nodes, so following them needs no count.
func (d *Doc) resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Describe names the JSON type of a node for messages: "a string", "an object"...
var Describe = source.DescribeJSONNode

// IsNull reports whether n is absent or an explicit null.
var IsNull = source.IsNull

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
		d.Errorf(n, path, "", "expected an object, found %s", Describe(n))
		return Obj{D: d, Path: path}, false
	}
	return Obj{D: d, N: n, Path: path}, true
}

// source returns the document as the input layer reads it, for the
// accessors that forward to it.
func (d *Doc) source() *source.Doc {
	if d.src == nil {
		d.src = &source.Doc{File: d.File, Root: d.Root, JSON: d.JSON}
	}
	return d.src
}

// sourceObj returns o as the input layer's object.
func (o Obj) sourceObj() source.Obj { return source.Obj{D: o.D.source(), N: o.N, Path: o.Path} }

// Present reports whether the object exists (is not null or missing).
func (o Obj) Present() bool { return o.sourceObj().Present() }

// KeyPath joins the object's path with key.
func (o Obj) KeyPath(key string) string { return o.sourceObj().KeyPath(key) }

// Get returns the value under key, or nil. Of a key given twice, Parse
// keeps only the first (and records an error), so there is one to find.
func (o Obj) Get(key string) *yaml.Node { return o.sourceObj().Get(key) }

// Has reports whether key is present with a non-null value.
func (o Obj) Has(key string) bool { return o.sourceObj().Has(key) }

// At returns the node to point at for key: its value, or the object itself when absent.
func (o Obj) At(key string) *yaml.Node { return o.sourceObj().At(key) }

// Keys lists the object's keys in order.
func (o Obj) Keys() []string { return o.sourceObj().Keys() }

// Missing records "missing required key" for key; an empty hint is
// replaced by a default for common keys.
func (o Obj) Missing(key, hint string) {
	s := o.sourceObj()
	s.Missing(key, hint)
	o.D.Problems = append(o.D.Problems, s.D.Problems...)
	s.D.Problems = nil
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
		o.D.Errorf(v, o.KeyPath(key), "", "expected a string, found %s", Describe(v))
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
		o.D.Errorf(v, o.KeyPath(key), "write true or false", "expected a boolean, found %s", Describe(v))
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
		o.D.Errorf(v, o.KeyPath(key), "", "expected a number, found %s", Describe(v))
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v.Value, "_", ""), 64)
	if err != nil {
		if i, err2 := strconv.ParseInt(v.Value, 0, 64); err2 == nil {
			return float64(i), true
		}
		o.D.Errorf(v, o.KeyPath(key), "", "invalid number %q", v.Value)
		return 0, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		o.D.Errorf(v, o.KeyPath(key), "", "expected a finite number, found %s", v.Value)
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
		o.D.Errorf(v, o.KeyPath(key), "", "expected an array, found %s", Describe(v))
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
			o.D.Errorf(it.N, it.Path, "", "expected a string, found %s", Describe(it.N))
			continue
		}
		if o.D.JSON && it.N.Tag != "!!str" {
			o.D.Errorf(it.N, it.Path, "", "expected a string, found %s", Describe(it.N))
			continue
		}
		out = append(out, it.N.Value)
	}
	return out
}

// ItemObj reads an array item as an object.
func (d *Doc) ItemObj(it Item) (Obj, bool) {
	if IsNull(it.N) {
		d.Errorf(it.N, it.Path, "", "expected an object, found null")
		return Obj{D: d, Path: it.Path}, false
	}
	return d.Object(it.N, it.Path)
}
