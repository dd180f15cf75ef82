package model

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sectionComments are the header comments written above each top-level
// section of a model file, so that a generated file explains itself.
var sectionComments = map[string]string{
	"rampart":          "Rampart model schema version.",
	"includes":         "Further model files merged into this one, relative to this file.",
	"system":           "The system as a whole: who owns it and who may accept its risk.",
	"risk_appetite":    "The most risk the system may carry untreated.",
	"settings":         "Analysis settings: risk matrix, review cycles, disabled rules.",
	"methodology":      "Methodologies whose threats analysis raises: stride, linddun.",
	"data":             "Data assets: their classification and CIA ratings drive the impact of threats.",
	"components":       "Components: processes, data stores and external entities.",
	"trust_boundaries": "Trust boundaries, possibly nested; contains lists components and boundaries.",
	"flows":            "Data flows between components (from is the caller).",
	"controls":         "Security controls: the model's own and the state of catalog controls.",
	"threats":          "Threats written by hand, next to the ones rules identify.",
	"treatments":       "Risk register: the treatment of each threat, keyed by its stable id.",
}

// flowListWidth is the longest a list of scalars may be, rendered inline,
// to be written in flow style ([a, b, c]).
const flowListWidth = 72

// Marshal renders a model as a clean, commented Rampart YAML file: section
// header comments, keys in schema order, empty values omitted and short
// lists written inline. The output loads back with LoadBytes to an
// equivalent model.
func Marshal(m *Model) ([]byte, error) {
	return MarshalWithHeader(m)
}

// MarshalWithHeader is Marshal with comment lines written at the top of the
// file (each line is prefixed with "# ").
func MarshalWithHeader(m *Model, header ...string) ([]byte, error) {
	if m == nil {
		return nil, fmt.Errorf("marshal model: nil model")
	}
	cp := *m
	if cp.Rampart == 0 {
		cp.Rampart = SchemaVersion
	}
	root, err := encodeValue(reflect.ValueOf(&cp).Elem())
	if err != nil {
		return nil, fmt.Errorf("marshal model: %w", err)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if c, ok := sectionComments[root.Content[i].Value]; ok {
			root.Content[i].HeadComment = c
		}
	}
	var buf bytes.Buffer
	for i := 0; i+1 < len(root.Content); i += 2 {
		if err := encodeSection(&buf, root.Content[i], root.Content[i+1]); err != nil {
			return nil, fmt.Errorf("marshal model: %w", err)
		}
	}
	var out bytes.Buffer
	for _, h := range header {
		for _, line := range strings.Split(h, "\n") {
			out.WriteString(strings.TrimRight("# "+line, " "))
			out.WriteByte('\n')
		}
	}
	if len(header) > 0 {
		out.WriteByte('\n')
	}
	out.Write(spaceOut(buf.Bytes()))
	return out.Bytes(), nil
}

// sectionItems is how many items of a long top-level list are encoded at once.
const sectionItems = 256

// encodeSection writes one top-level section, key and value, as the YAML
// encoder writes it inside the whole document. The encoder keeps every
// event of a document until the document ends (several hundred bytes each),
// so a long list is encoded sectionItems items at a time, each batch as the
// same section, and the repeated key line is dropped: items of a block list
// are written the same whatever surrounds them.
func encodeSection(buf *bytes.Buffer, key, value *yaml.Node) error {
	n := len(value.Content)
	if value.Kind != yaml.SequenceNode || value.Style&yaml.FlowStyle != 0 || n <= sectionItems {
		return encodeMapping(buf, key, value)
	}
	bare := &yaml.Node{Kind: key.Kind, Tag: key.Tag, Value: key.Value, Style: key.Style}
	var part bytes.Buffer
	for start := 0; start < n; start += sectionItems {
		batch := *value
		batch.Content = value.Content[start:min(start+sectionItems, n)]
		if start == 0 {
			if err := encodeMapping(buf, key, &batch); err != nil {
				return err
			}
			continue
		}
		part.Reset()
		if err := encodeMapping(&part, bare, &batch); err != nil {
			return err
		}
		_, items, ok := bytes.Cut(part.Bytes(), []byte("\n"))
		if !ok {
			return fmt.Errorf("section %s: unexpected encoding of a list", key.Value)
		}
		buf.Write(items)
	}
	return nil
}

// encodeMapping writes a mapping of one key as a YAML document.
func encodeMapping(buf *bytes.Buffer, key, value *yaml.Node) error {
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{key, value}}}}
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// spaceOut inserts a blank line before each top-level section (after the
// first) and between the items of top-level lists, for readability.
func spaceOut(data []byte) []byte {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	out := make([]string, 0, len(lines)+len(lines)/4)
	prevTop := true // previous line was a section comment (or there is none yet)
	inList := false // inside a top-level section holding a list
	seenItem := false
	for i, line := range lines {
		top := line != "" && line[0] != ' ' && line[0] != '-'
		switch {
		case top && line[0] == '#':
			if i > 0 && !prevTop {
				out = append(out, "")
			}
			prevTop = true
			inList, seenItem = false, false
			out = append(out, line)
			continue
		case top:
			if i > 0 && !prevTop {
				out = append(out, "")
			}
			inList = strings.HasSuffix(line, ":")
			seenItem = false
			prevTop = false
			out = append(out, line)
			continue
		}
		if inList && strings.HasPrefix(line, "  - ") {
			if seenItem && multiLineItem(lines, i) {
				out = append(out, "")
			}
			seenItem = true
		}
		prevTop = false
		out = append(out, line)
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

// multiLineItem reports whether the list item starting at line i, or the
// one before it, spans several lines; one-line items stay packed together.
func multiLineItem(lines []string, i int) bool {
	if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") {
		return true
	}
	return i >= 1 && strings.HasPrefix(lines[i-1], "    ")
}

// encodeValue turns a model value into a YAML node; it returns nil for
// values that are empty and therefore omitted.
func encodeValue(v reflect.Value) (*yaml.Node, error) {
	if !v.IsValid() {
		return nil, nil
	}
	if v.Type() == dateType {
		d := v.Interface().(Date)
		if d.IsZero() {
			return nil, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: d.String()}, nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return encodeValue(v.Elem())
	case reflect.Struct:
		return encodeStruct(v)
	case reflect.Slice, reflect.Array:
		return encodeSlice(v)
	case reflect.Map:
		return encodeMap(v)
	case reflect.String:
		if v.Len() == 0 {
			return nil, nil
		}
		return stringNode(v.String()), nil
	case reflect.Bool:
		if !v.Bool() {
			return nil, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Int() == 0 {
			return nil, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}, nil
	}
	return nil, fmt.Errorf("cannot write a value of type %s", v.Type())
}

func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(strings.TrimRight(s, "\n"), "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

func encodeStruct(v reflect.Value) (*yaml.Node, error) {
	si := infoOf(v.Type())
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range si.fields {
		fv := v.Field(f.index)
		child, err := encodeValue(fv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if child == nil {
			continue
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: f.name}, child)
	}
	if len(n.Content) == 0 {
		return nil, nil
	}
	if smallMapping(n) {
		n.Style = yaml.FlowStyle
	}
	return n, nil
}

// smallMapping reports whether a mapping of short scalars reads best inline,
// e.g. cia: {confidentiality: high, integrity: medium}.
func smallMapping(n *yaml.Node) bool {
	width := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if val.Kind != yaml.ScalarNode || strings.ContainsAny(val.Value, "\n,:{}[]#'\"") || val.Value == "" {
			return false
		}
		if k.Value == "id" {
			return false // elements stay in block style, one key per line
		}
		width += len(k.Value) + len(val.Value) + 4
	}
	return width <= flowListWidth && len(n.Content) <= 8
}

func encodeSlice(v reflect.Value) (*yaml.Node, error) {
	if v.Len() == 0 {
		return nil, nil
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	scalars, width := true, 0
	for i := 0; i < v.Len(); i++ {
		child, err := encodeValue(v.Index(i))
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		if child == nil {
			// Keep positions in lists: an empty item is written as an empty value.
			child = emptyOf(v.Index(i))
		}
		if child.Kind == yaml.MappingNode {
			child.Style = 0 // list items (elements) are written one key per line
		}
		if child.Kind != yaml.ScalarNode || child.Style == yaml.LiteralStyle {
			scalars = false
		} else {
			width += len(child.Value) + 2
			if strings.ContainsAny(child.Value, ",[]{}#'\"") {
				scalars = false
			}
		}
		n.Content = append(n.Content, child)
	}
	if scalars && width <= flowListWidth {
		n.Style = yaml.FlowStyle
	}
	return n, nil
}

// emptyOf is the node written for an empty list item.
func emptyOf(v reflect.Value) *yaml.Node {
	switch v.Kind() {
	case reflect.Struct, reflect.Map:
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
	case reflect.Slice, reflect.Array:
		return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0"}
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ""}
}

func encodeMap(v reflect.Value) (*yaml.Node, error) {
	if v.Len() == 0 {
		return nil, nil
	}
	keys := make([]string, 0, v.Len())
	byKey := map[string]reflect.Value{}
	for _, k := range v.MapKeys() {
		s := fmt.Sprint(k.Interface())
		keys = append(keys, s)
		byKey[s] = k
	}
	sort.Strings(keys)
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range keys {
		child, err := encodeValue(v.MapIndex(byKey[k]))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if child == nil {
			child = emptyOf(v.MapIndex(byKey[k]))
		}
		n.Content = append(n.Content, stringNode(k), child)
	}
	if smallMapping(n) {
		n.Style = yaml.FlowStyle
	}
	return n, nil
}
