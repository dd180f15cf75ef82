package model

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/rampart-sec/rampart/internal/catalog"
)

// JSONSchemaID is the $id of the published model schema.
const JSONSchemaID = "https://rampart.dev/schema/model-v1.json"

// JSONFragmentSchemaID is the $id of the schema of included files.
const JSONFragmentSchemaID = "https://rampart.dev/schema/model-fragment-v1.json"

// rootOnly are the keys only the root file of a model may set.
var rootOnly = []string{"system", "risk_appetite", "settings", "methodology", "policy"}

// JSONSchema returns the JSON Schema (draft 2020-12) of the model format,
// generated from the Go types so that it never drifts from what the loader
// accepts. Every key and enum value carries the description docs/model.md
// gives it (as description and markdownDescription, and for enum values
// enumDescriptions and markdownEnumDescriptions, which editors show on
// hover and in completion); control references offer the catalog's ids.
func JSONSchema() ([]byte, error) { return jsonSchema(false) }

// JSONFragmentSchema returns the schema of an included file: the same keys
// as a model but none required, and without the root-only system,
// risk_appetite and settings.
func JSONFragmentSchema() ([]byte, error) { return jsonSchema(true) }

func jsonSchema(fragment bool) ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		DoNotReference:             false,
		ExpandedStruct:             true,
		Mapper:                     enumMapper,
	}
	s := r.Reflect(&Model{})
	s.ID = JSONSchemaID
	s.Title = "Rampart system model"
	s.Description = "A system described as code for threat modelling with Rampart."
	describe(s, modelDocs)
	if fragment {
		s.ID = JSONFragmentSchemaID
		s.Title = "Rampart model fragment"
		s.Description = "A file included by a Rampart model (see includes): data, components, boundaries, flows, controls, threats and treatments."
		s.Required = nil
		for _, k := range rootOnly {
			s.Properties.Delete(k)
		}
		prune(s)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal schema: %w", err)
	}
	return data, nil
}

// describe adds the reference's descriptions to every property and enum
// of the schema, and the catalog's control ids to control references.
func describe(root *jsonschema.Schema, d keyDocs) {
	seen := map[*jsonschema.Schema]bool{}
	var walk func(s *jsonschema.Schema, section, key string)
	resolve := func(s *jsonschema.Schema) *jsonschema.Schema {
		if s != nil && s.Ref != "" {
			if def := root.Definitions[strings.TrimPrefix(s.Ref, "#/$defs/")]; def != nil {
				return def
			}
		}
		return s
	}
	walk = func(s *jsonschema.Schema, section, key string) {
		s = resolve(s)
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		describeEnum(s, d, s.Description, d.meaningsOf(section, key, s.Enum))
		if s.Items != nil {
			walk(s.Items, section, key)
		}
		if s.AdditionalProperties != nil {
			walk(s.AdditionalProperties, section, key)
		}
		if s.Properties == nil {
			return
		}
		for p := s.Properties.Oldest(); p != nil; p = p.Next() {
			key, prop := p.Key, p.Value
			sec := section
			text := ""
			if s == root {
				sec = key
				text = d.sections[key]
			} else {
				text = d.keys[sec+"."+key]
				if text == "" {
					text = d.anyKey(key)
				}
			}
			if text == "" {
				// A key documented only in its parent's row
				// ("`cia`: `confidentiality`, `integrity`, ...").
				text = d.value(key)
			}
			if text != "" {
				setDescription(prop, text)
			}
			switch {
			case key == "catalog" && sec == "controls":
				catalogEnum(prop)
			case key == "controls" && (sec == "components" || sec == "flows") && prop.Items != nil:
				prop.Items = &jsonschema.Schema{AnyOf: []*jsonschema.Schema{catalogEnum(&jsonschema.Schema{Type: "string"}),
					{Type: "string", Description: "a control declared in the model's controls"}}}
			}
			walk(prop, sec, key)
		}
	}
	walk(root, "", "")
}

// prune drops the definitions no longer referenced from the root.
func prune(root *jsonschema.Schema) {
	used := map[string]bool{}
	var walk func(s *jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil {
			return
		}
		if name, ok := strings.CutPrefix(s.Ref, "#/$defs/"); ok && !used[name] {
			used[name] = true
			walk(root.Definitions[name])
		}
		walk(s.Items)
		walk(s.AdditionalProperties)
		for _, a := range s.AnyOf {
			walk(a)
		}
		if s.Properties != nil {
			for p := s.Properties.Oldest(); p != nil; p = p.Next() {
				walk(p.Value)
			}
		}
	}
	walk(root)
	for name := range root.Definitions {
		if !used[name] {
			delete(root.Definitions, name)
		}
	}
}

// meaningsOf is the value table of section.key; a key without one in its
// section takes the one table another section gives that key
// (authentication is documented once for components and flows), else the
// table whose values are exactly the enum's (the ratings of the three cia
// keys, the severities of the appetite and of the matrix's bands).
func (d keyDocs) meaningsOf(section, key string, enum []any) map[string]string {
	if m, ok := d.meanings[section+"."+key]; ok {
		return m
	}
	var found map[string]string
	several := false
	for k, m := range d.meanings {
		if strings.HasSuffix(k, "."+key) {
			several = found != nil
			found = m
		}
	}
	if found != nil && !several {
		return found
	}
	if len(enum) == 0 {
		return nil
	}
	for _, k := range slices.Sorted(maps.Keys(d.meanings)) {
		m := d.meanings[k]
		if len(m) != len(enum) {
			continue
		}
		all := true
		for _, v := range enum {
			if _, ok := m[fmt.Sprint(v)]; !ok {
				all = false
				break
			}
		}
		if all {
			return m
		}
	}
	return nil
}

// anyKey is the description of key in whichever section documents it.
func (d keyDocs) anyKey(key string) string {
	best := ""
	for k := range d.keys {
		if strings.HasSuffix(k, "."+key) && (best == "" || k < best) {
			best = k
		}
	}
	if best == "" {
		return ""
	}
	return d.keys[best]
}

func setDescription(s *jsonschema.Schema, md string) {
	s.Description = plain(md)
	if s.Extras == nil {
		s.Extras = map[string]any{}
	}
	s.Extras["markdownDescription"] = md
}

// describeEnum gives every value of an enum its description: its meaning
// from the key's value table, else what the reference says of it, else
// fallback (the key's description).
func describeEnum(s *jsonschema.Schema, d keyDocs, fallback string, meanings map[string]string) {
	if len(s.Enum) == 0 || s.Extras["markdownEnumDescriptions"] != nil {
		return
	}
	// The passage that lists most of this enum's values is where the
	// reference describes them together (a value like "none" or "low" is
	// also mentioned elsewhere).
	count := map[string]int{}
	for _, v := range s.Enum {
		for _, text := range d.values[fmt.Sprint(v)] {
			count[text]++
		}
	}
	group := ""
	for text, n := range count {
		if n > count[group] || (n == count[group] && text < group) {
			group = text
		}
	}
	plainDesc := make([]string, len(s.Enum))
	mdDesc := make([]string, len(s.Enum))
	for i, v := range s.Enum {
		name := fmt.Sprint(v)
		text := d.value(name)
		if slices.Contains(d.values[name], group) {
			text = group
		}
		md := "`" + name + "`"
		if text = cmp.Or(meanings[name], text, fallback); text != "" {
			md += ": " + text
		}
		plainDesc[i], mdDesc[i] = plain(md), md
	}
	if s.Extras == nil {
		s.Extras = map[string]any{}
	}
	s.Extras["enumDescriptions"] = plainDesc
	s.Extras["markdownEnumDescriptions"] = mdDesc
}

// catalogEnum makes s offer the catalog's control ids, each described by
// its name.
func catalogEnum(s *jsonschema.Schema) *jsonschema.Schema {
	cs := catalog.Controls()
	s.Enum = make([]any, len(cs))
	plainDesc := make([]string, len(cs))
	mdDesc := make([]string, len(cs))
	for i, c := range cs {
		s.Enum[i] = c.ID
		mdDesc[i] = "`" + c.ID + "`: " + c.Name
		plainDesc[i] = c.ID + ": " + c.Name
	}
	if s.Extras == nil {
		s.Extras = map[string]any{}
	}
	s.Extras["enumDescriptions"] = plainDesc
	s.Extras["markdownEnumDescriptions"] = mdDesc
	return s
}

var dateReflect = reflect.TypeOf(Date{})

func enumMapper(t reflect.Type) *jsonschema.Schema {
	if t == dateReflect {
		return &jsonschema.Schema{Type: "string", Format: "date"}
	}
	if t.Kind() == reflect.String && t.Implements(enumType) {
		values := reflect.Zero(t).Interface().(Enum).Values()
		enum := make([]any, len(values))
		for i, v := range values {
			enum[i] = v
		}
		return &jsonschema.Schema{Type: "string", Enum: enum}
	}
	return nil
}
