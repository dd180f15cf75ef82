package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseJSON parses one JSON value into the node tree the YAML parser builds,
// with the exact line and column of every value, so that one set of
// accessors reads both formats. JSON is decoded by its own rules (escapes
// such as \/ and surrogate pairs, which YAML refuses). Invalid UTF-8 and NUL
// bytes are refused at their position (the standard decoder would turn the
// first into U+FFFD silently), and so is a key given twice in one object
// (the standard decoder keeps the last one silently); the first of the
// duplicates is kept in the tree.
func ParseJSON(name string, data []byte, _ Limits) *Doc {
	d := &Doc{File: name, JSON: true}
	data = bytes.TrimPrefix(data, bom)
	if len(bytes.TrimSpace(data)) == 0 {
		d.Problems = append(d.Problems, Errorf(Pos{File: name, Line: 1, Column: 1}, CodeEmpty, "", "", "file is empty"))
		return d
	}
	if p, bad := checkBytes(name, data, false); bad {
		d.Problems = append(d.Problems, p)
		return d
	}
	if p, ok := jsonSyntax(name, data); !ok {
		d.Problems = append(d.Problems, p)
		return d
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &jsonReader{doc: d, data: data, dec: dec, line: 1, col: 1}
	root, err := r.value()
	if err != nil {
		// The syntax check above passed, so this is not expected; the
		// position is where reading stopped.
		line, col := LineCol(data, dec.InputOffset())
		d.Problems = append(d.Problems, Errorf(Pos{File: name, Line: line, Column: col}, CodeSyntax, "", "", "JSON syntax error: %s", err))
		return d
	}
	d.Root = root
	return d
}

// jsonSyntax checks data with the standard JSON decoder, which reports exact
// byte offsets (and refuses nesting deeper than it supports), and converts
// the offset of the first error into line:column.
func jsonSyntax(name string, data []byte) (Problem, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v json.RawMessage
	err := dec.Decode(&v)
	if err == nil {
		off := dec.InputOffset()
		rest := bytes.TrimLeft(data[off:], " \t\r\n")
		if len(rest) == 0 {
			return Problem{}, true
		}
		off = int64(len(data) - len(rest))
		line, col := LineCol(data, off)
		return Errorf(Pos{File: name, Line: line, Column: col}, CodeSyntax, "", "the file must hold one JSON value",
			"JSON syntax error: data after the end of the top-level value"), false
	}
	var se *json.SyntaxError
	off := int64(len(data))
	msg := err.Error()
	hint := ""
	switch {
	case errors.As(err, &se):
		off = se.Offset
		if off > 0 {
			off-- // the offset is after the offending byte
		}
		if strings.Contains(msg, "after object key:value pair") || strings.Contains(msg, "after array element") {
			hint = "check for a missing ',' or a trailing ',' before this point"
		} else if strings.Contains(msg, "looking for beginning of object key string") {
			hint = "keys must be double-quoted strings; remove any trailing ','"
		}
	case errors.Is(err, io.ErrUnexpectedEOF):
		hint = "the file ends before every '{' and '[' is closed"
	}
	line, col := LineCol(data, off)
	return Errorf(Pos{File: name, Line: line, Column: col}, CodeSyntax, "", hint, "JSON syntax error: %s", msg), false
}

// jsonReader builds the node tree from the decoder's tokens.
type jsonReader struct {
	doc  *Doc
	data []byte
	dec  *json.Decoder
	off  int64 // offset the line and column below belong to
	line int
	col  int
}

// at advances the position to offset target and returns it (1-based line,
// column in characters).
func (r *jsonReader) at(target int64) (int, int) {
	for r.off < target && r.off < int64(len(r.data)) {
		c := r.data[r.off]
		switch {
		case c == '\n':
			r.line, r.col = r.line+1, 1
		case c&0xC0 != 0x80: // not a UTF-8 continuation byte
			r.col++
		}
		r.off++
	}
	return r.line, r.col
}

// next returns the position where the next token starts.
func (r *jsonReader) next() (int, int) {
	off := r.dec.InputOffset()
	for off < int64(len(r.data)) {
		switch r.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return r.at(off)
}

// smallObject is the key count up to which duplicates are found by a scan
// of the keys so far rather than a map.
const smallObject = 8

func (r *jsonReader) value() (*yaml.Node, error) {
	line, col := r.next()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, err
	}
	n := &yaml.Node{Line: line, Column: col}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.Kind, n.Tag = yaml.MappingNode, "!!map"
			var index map[string]*yaml.Node
			for r.dec.More() {
				kl, kc := r.next()
				kt, err := r.dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				v, err := r.value()
				if err != nil {
					return nil, err
				}
				k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: kl, Column: kc}
				var first *yaml.Node
				if index != nil {
					first = index[key]
				} else {
					for i := 0; i < len(n.Content); i += 2 {
						if n.Content[i].Value == key {
							first = n.Content[i]
							break
						}
					}
				}
				if first != nil {
					r.doc.Problems = append(r.doc.Problems, Errorf(Pos{File: r.doc.File, Line: kl, Column: kc}, CodeDuplicateKey, "", "remove one of them",
						"duplicate key %q (first at line %d)", key, first.Line))
					continue
				}
				n.Content = append(n.Content, k, v)
				if index == nil && len(n.Content)/2 > smallObject {
					index = make(map[string]*yaml.Node, len(n.Content))
					for i := 0; i < len(n.Content); i += 2 {
						index[n.Content[i].Value] = n.Content[i]
					}
				} else if index != nil {
					index[key] = k
				}
			}
		case '[':
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
			for r.dec.More() {
				v, err := r.value()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, v)
			}
		default:
			return nil, fmt.Errorf("unexpected %q", rune(t))
		}
		if _, err := r.dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!str", t
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!int", t.String()
		if strings.ContainsAny(t.String(), ".eE") {
			n.Tag = "!!float"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", fmt.Sprint(t)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}
