// Package event decodes log events (one JSON object each) into the flat
// list of fields the Sigma engine matches on, within strict limits on size,
// nesting and field count, so that one malformed or hostile event is
// rejected on its own and never stops a stream.
package event

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the JSON type of a field's value.
type Kind uint8

// The kinds of field values.
const (
	String Kind = iota
	Number
	Bool
	Null
)

// Field is one leaf of an event: its dotted name and its value as text.
// Numbers keep their JSON spelling, booleans are "true"/"false" and null
// is the empty string with Kind Null.
type Field struct {
	Name  string
	Value string
	Kind  Kind
}

// Event is one decoded event. Fields holds every leaf in document order; a
// leaf inside an array appears once per element under the same name. Raw
// is the JSON text the event was decoded from.
type Event struct {
	Fields []Field
	Raw    []byte
}

// Get returns the first value of the named field.
func (e *Event) Get(name string) (Field, bool) {
	for _, f := range e.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Limits bound what one event may hold.
type Limits struct {
	MaxBytes  int // size of the JSON text
	MaxDepth  int // nesting of objects and arrays
	MaxFields int // leaves
}

// DefaultLimits suit log events: 1 MiB, 32 levels, 10,000 leaves.
var DefaultLimits = Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxFields: 10000}

// Errors a decoder returns; test with errors.Is.
var (
	ErrTooLarge  = errors.New("event too large")
	ErrTooDeep   = errors.New("event nested too deeply")
	ErrTooMany   = errors.New("event has too many fields")
	ErrSyntax    = errors.New("not JSON")
	ErrNotObject = errors.New("event is not a JSON object")
)

// Decoder turns JSON text into events, reusing its buffers between calls.
// It is not safe for concurrent use; give each goroutine its own.
type Decoder struct {
	Limits Limits
	// Roots are object paths (e.g. "Event.EventData") whose leaves are
	// also named relative to the root, with "#attributes" segments dropped
	// and the remaining segments joined by "_" without spaces:
	// Event.System.Provider.#attributes.Name is then also Provider_Name and
	// Event.EventData.Source Name also SourceName, the names Sigma rules
	// for Windows use.
	Roots []string

	arena []byte // names and values of the current event
	spans []span
	path  []byte
	data  []byte
	pos   int
	depth int
}

type span struct {
	name0, name1   int
	value0, value1 int
	kind           Kind
}

// SyntaxError says where JSON text is malformed.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// Unwrap makes errors.Is(err, ErrSyntax) hold.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// NewDecoder returns a decoder with DefaultLimits and the Windows event
// roots Event.EventData and Event.System (the rendering of Windows events
// as JSON), so EventData and System fields are found by their own names.
func NewDecoder() *Decoder {
	return &Decoder{Limits: DefaultLimits, Roots: []string{"Event.EventData", "Event.System"}}
}

// Decode parses one JSON object into ev, replacing its fields. The event's
// strings stay valid after later calls; ev.Raw aliases data.
func (d *Decoder) Decode(data []byte, ev *Event) error {
	ev.Fields = ev.Fields[:0]
	ev.Raw = data
	if d.Limits.MaxBytes > 0 && len(data) > d.Limits.MaxBytes {
		return fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), d.Limits.MaxBytes)
	}
	d.arena = d.arena[:0]
	d.spans = d.spans[:0]
	d.path = d.path[:0]
	d.data = data
	d.pos = 0
	d.depth = 0
	d.skipSpace()
	if d.pos >= len(d.data) || d.data[d.pos] != '{' {
		if d.pos >= len(d.data) {
			return &SyntaxError{Offset: d.pos, Msg: "empty input"}
		}
		rest := d.data[d.pos:]
		if c := rest[0]; c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') ||
			bytes.HasPrefix(rest, []byte("true")) || bytes.HasPrefix(rest, []byte("false")) || bytes.HasPrefix(rest, []byte("null")) {
			return ErrNotObject
		}
		return &SyntaxError{Offset: d.pos, Msg: fmt.Sprintf("unexpected %q at the start", d.data[d.pos])}
	}
	if err := d.value(); err != nil {
		return err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return &SyntaxError{Offset: d.pos, Msg: "extra text after the object"}
	}
	// One string holds every name and value of the event.
	text := string(d.arena)
	for _, s := range d.spans {
		ev.Fields = append(ev.Fields, Field{Name: text[s.name0:s.name1], Value: text[s.value0:s.value1], Kind: s.kind})
	}
	d.data = nil
	return nil
}

func (d *Decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *Decoder) errf(format string, args ...any) error {
	return &SyntaxError{Offset: d.pos, Msg: fmt.Sprintf(format, args...)}
}

// value parses the value at d.pos, recording leaves under d.path.
func (d *Decoder) value() error {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return d.errf("unexpected end of input")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		v0 := len(d.arena)
		if err := d.str(); err != nil {
			return err
		}
		return d.leaf(v0, String)
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]struct {
			s string
			k Kind
		}{{"true", Bool}, {"false", Bool}, {"null", Null}} {
			if strings.HasPrefix(string(d.data[d.pos:min(len(d.data), d.pos+5)]), lit.s) {
				d.pos += len(lit.s)
				v0 := len(d.arena)
				if lit.k == Bool {
					d.arena = append(d.arena, lit.s...)
				}
				return d.leaf(v0, lit.k)
			}
		}
		return d.errf("unexpected %q", c)
	case c == '-' || (c >= '0' && c <= '9'):
		start := d.pos
		for d.pos < len(d.data) && strings.IndexByte("+-.eE0123456789", d.data[d.pos]) >= 0 {
			d.pos++
		}
		num := d.data[start:d.pos]
		if _, err := strconv.ParseFloat(string(num), 64); err != nil {
			d.pos = start
			return d.errf("malformed number %q", num)
		}
		v0 := len(d.arena)
		d.arena = append(d.arena, num...)
		return d.leaf(v0, Number)
	default:
		return d.errf("unexpected %q", c)
	}
}

func (d *Decoder) enter() error {
	d.depth++
	if d.Limits.MaxDepth > 0 && d.depth > d.Limits.MaxDepth {
		return fmt.Errorf("%w: more than %d levels at offset %d", ErrTooDeep, d.Limits.MaxDepth, d.pos)
	}
	return nil
}

func (d *Decoder) object() error {
	if err := d.enter(); err != nil {
		return err
	}
	d.pos++ // {
	base := len(d.path)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return d.errf("expected a quoted key")
		}
		// Keys are decoded into the arena, then moved onto the path.
		k0 := len(d.arena)
		if err := d.str(); err != nil {
			return err
		}
		if base > 0 {
			d.path = append(d.path, '.')
		}
		d.path = append(d.path, d.arena[k0:]...)
		d.arena = d.arena[:k0]
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return d.errf("expected ':' after a key")
		}
		d.pos++
		if err := d.value(); err != nil {
			return err
		}
		d.path = d.path[:base]
		d.skipSpace()
		if d.pos >= len(d.data) {
			return d.errf("unexpected end of input in an object")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return nil
		default:
			return d.errf("expected ',' or '}'")
		}
	}
}

func (d *Decoder) array() error {
	if err := d.enter(); err != nil {
		return err
	}
	d.pos++ // [
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if err := d.value(); err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return d.errf("unexpected end of input in an array")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return nil
		default:
			return d.errf("expected ',' or ']'")
		}
	}
}

// leaf records the value arena[v0:] under the current path, and under its
// name relative to a root when the path lies inside one.
func (d *Decoder) leaf(v0 int, kind Kind) error {
	v1 := len(d.arena)
	if d.Limits.MaxFields > 0 && len(d.spans) >= d.Limits.MaxFields {
		return fmt.Errorf("%w: more than %d", ErrTooMany, d.Limits.MaxFields)
	}
	n0 := len(d.arena)
	d.arena = append(d.arena, d.path...)
	d.spans = append(d.spans, span{name0: n0, name1: len(d.arena), value0: v0, value1: v1, kind: kind})
	for _, root := range d.Roots {
		if len(d.path) > len(root)+1 && d.path[len(root)] == '.' && string(d.path[:len(root)]) == root {
			r0 := len(d.arena)
			for seg := range strings.SplitSeq(string(d.path[len(root)+1:]), ".") {
				if seg == "#attributes" || seg == "" {
					continue
				}
				if len(d.arena) > r0 {
					d.arena = append(d.arena, '_')
				}
				// Windows shows some EventData names with spaces
				// ("Source Name"); Sigma rules name them without.
				d.arena = append(d.arena, strings.ReplaceAll(seg, " ", "")...)
			}
			if len(d.arena) > r0 {
				d.spans = append(d.spans, span{name0: r0, name1: len(d.arena), value0: v0, value1: v1, kind: kind})
			}
			break
		}
	}
	return nil
}

// str decodes the JSON string at d.pos into the arena.
func (d *Decoder) str() error {
	d.pos++ // opening quote
	for {
		start := d.pos
		for d.pos < len(d.data) {
			c := d.data[d.pos]
			if c == '"' || c == '\\' || c < 0x20 {
				break
			}
			d.pos++
		}
		d.arena = append(d.arena, d.data[start:d.pos]...)
		if d.pos >= len(d.data) {
			return d.errf("unterminated string")
		}
		switch c := d.data[d.pos]; {
		case c == '"':
			d.pos++
			return nil
		case c < 0x20:
			return d.errf("control character in a string")
		}
		// A backslash escape.
		if d.pos+1 >= len(d.data) {
			return d.errf("unterminated escape")
		}
		e := d.data[d.pos+1]
		d.pos += 2
		switch e {
		case '"', '\\', '/':
			d.arena = append(d.arena, e)
		case 'b':
			d.arena = append(d.arena, '\b')
		case 'f':
			d.arena = append(d.arena, '\f')
		case 'n':
			d.arena = append(d.arena, '\n')
		case 'r':
			d.arena = append(d.arena, '\r')
		case 't':
			d.arena = append(d.arena, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return d.errf("malformed \\u escape")
			}
			if r >= 0xD800 && r < 0xDC00 && d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
				save := d.pos
				d.pos += 2
				if r2, ok := d.hex4(); ok && r2 >= 0xDC00 && r2 < 0xE000 {
					r = (r-0xD800)<<10 + (r2 - 0xDC00) + 0x10000
				} else {
					d.pos = save
				}
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			d.arena = utf8.AppendRune(d.arena, r)
		default:
			d.pos--
			return d.errf("unknown escape \\%c", e)
		}
	}
}

func (d *Decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.data[d.pos:d.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.pos += 4
	return rune(n), true
}
