// Package pipeline reads processing pipelines in the pySigma YAML form and
// applies them to Sigma rules before they are compiled: field name
// mappings (Sysmon and Windows EventData names, ECS), conditions added per
// log source, log source changes, placeholders and failures.
package pipeline

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// Pipeline is a processing pipeline: transformations applied in order.
type Pipeline struct {
	Name            string
	Priority        int
	Vars            map[string][]string
	Transformations []*Transformation
}

// Transformation is one processing item.
type Transformation struct {
	ID   string
	Type string
	Pos  model.Pos

	Mapping     map[string][]string // field_name_mapping, field_name_prefix_mapping
	Prefix      string              // field_name_prefix
	Suffix      string              // field_name_suffix
	Conditions  map[string][]string // add_condition (in map order of Keys)
	Keys        []string
	Negated     bool
	LogSource   sigma.LogSource // change_logsource
	Include     []string        // placeholders / fields to include
	Exclude     []string
	Regex       *regexp.Regexp // replace_string
	Replacement string
	Message     string // rule_failure, detection_item_failure

	vars map[string][]string

	RuleConds   []RuleCondition
	RuleCondOp  string // and, or
	RuleCondNot bool
	FieldConds  []FieldCondition
	FieldNot    bool
}

// RuleCondition restricts a transformation to some rules.
type RuleCondition struct {
	Type      string // logsource, tag, contains_detection_item, is_sigma_rule
	LogSource sigma.LogSource
	Tag       string
	Field     string
	Value     string
}

// FieldCondition restricts a transformation to some fields.
type FieldCondition struct {
	Type   string // include_fields, exclude_fields
	Fields []string
	Regex  bool
}

var types = []string{
	"field_name_mapping", "field_name_prefix_mapping", "field_name_prefix", "field_name_suffix",
	"add_condition", "change_logsource", "drop_detection_item", "value_placeholders",
	"wildcard_placeholders", "replace_string", "rule_failure", "detection_item_failure", "set_state",
}

//go:embed builtin/*.yml
var builtin embed.FS

// BuiltinNames lists the pipelines shipped with the engine.
func BuiltinNames() []string {
	entries, _ := builtin.ReadDir("builtin")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yml"))
	}
	return out
}

// Builtin returns a shipped pipeline by name: "windows" (Sysmon and
// Windows log sources as Channel and EventID conditions) or "ecs-windows"
// (the same events in Elastic Common Schema field names).
func Builtin(name string) (*Pipeline, error) {
	data, err := builtin.ReadFile("builtin/" + name + ".yml")
	if err != nil {
		return nil, fmt.Errorf("no built-in pipeline %q (have %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	p, probs := Parse("builtin/"+name+".yml", data)
	if len(probs) > 0 {
		return nil, probs
	}
	return p, nil
}

// MaxBytes bounds a pipeline file.
const MaxBytes = 1 << 20

type parser struct {
	file     string
	problems sigma.Problems
}

func (p *parser) errorf(n *yaml.Node, path, hint, format string, args ...any) {
	pos := model.Pos{File: p.file}
	if n != nil {
		pos.Line, pos.Column = n.Line, n.Column
	}
	p.problems = append(p.problems, source.Errorf(pos, source.CodeInvalid, path, hint, format, args...))
}

// Parse reads a pipeline in the pySigma YAML form. Every problem carries
// file:line:column and key path.
func Parse(file string, data []byte) (*Pipeline, sigma.Problems) {
	p := &parser{file: file}
	if len(data) > MaxBytes {
		p.errorf(nil, "", "split the pipeline", "pipeline is %d bytes, more than the limit of %d", len(data), MaxBytes)
		return nil, p.problems
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		p.errorf(nil, "", "check the YAML syntax", "YAML: %v", err)
		return nil, p.problems
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		p.errorf(&doc, "", "a pipeline is a mapping with name and transformations", "not a pipeline")
		return nil, p.problems
	}
	root := doc.Content[0]
	pl := &Pipeline{Vars: map[string][]string{}}
	each(root, func(k, v *yaml.Node) {
		switch k.Value {
		case "name":
			pl.Name = v.Value
		case "priority":
			fmt.Sscan(v.Value, &pl.Priority)
		case "vars":
			each(v, func(vk, vv *yaml.Node) { pl.Vars[vk.Value] = scalars(vv) })
		case "transformations":
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "transformations", "a list of processing items", "transformations must be a list, not %s", model.DescribeNode(v))
				return
			}
			for i, t := range v.Content {
				if tr := p.transformation(t, fmt.Sprintf("transformations[%d]", i)); tr != nil {
					pl.Transformations = append(pl.Transformations, tr)
				}
			}
		case "postprocessing", "finalizers", "allowed_backends":
			// Query-text stages of pySigma; they have no meaning for an engine.
		default:
			p.errorf(k, k.Value, hint(k.Value, []string{"name", "priority", "vars", "transformations"}), "unknown pipeline key %q", k.Value)
		}
	})
	if len(p.problems) > 0 {
		return nil, p.problems
	}
	return pl, nil
}

func hint(s string, c []string) string {
	if h := model.Suggest(s, c); h != "" {
		return h
	}
	return "one of " + strings.Join(c, ", ")
}

func each(n *yaml.Node, fn func(k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], n.Content[i+1])
	}
}

func scalars(n *yaml.Node) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	var out []string
	for _, c := range n.Content {
		if c.Kind == yaml.ScalarNode {
			out = append(out, c.Value)
		}
	}
	return out
}

func (p *parser) transformation(n *yaml.Node, path string) *Transformation {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "give type and its settings", "a processing item must be a mapping, not %s", model.DescribeNode(n))
		return nil
	}
	t := &Transformation{Pos: model.Pos{File: p.file, Line: n.Line, Column: n.Column}, RuleCondOp: "and"}
	each(n, func(k, v *yaml.Node) {
		kp := path + "." + k.Value
		switch k.Value {
		case "id":
			t.ID = v.Value
		case "type":
			t.Type = v.Value
			if !slices.Contains(types, v.Value) {
				p.errorf(v, kp, hint(v.Value, types), "unknown transformation type %q", v.Value)
			}
		case "mapping":
			t.Mapping = map[string][]string{}
			each(v, func(mk, mv *yaml.Node) { t.Mapping[mk.Value] = scalars(mv) })
		case "prefix":
			t.Prefix = v.Value
		case "suffix":
			t.Suffix = v.Value
		case "conditions":
			t.Conditions = map[string][]string{}
			each(v, func(ck, cv *yaml.Node) {
				t.Keys = append(t.Keys, ck.Value)
				t.Conditions[ck.Value] = scalars(cv)
			})
		case "negated":
			t.Negated = v.Value == "true"
		case "category":
			t.LogSource.Category = v.Value
		case "product":
			t.LogSource.Product = v.Value
		case "service":
			t.LogSource.Service = v.Value
		case "include":
			t.Include = scalars(v)
		case "exclude":
			t.Exclude = scalars(v)
		case "regex":
			re, err := regexp.Compile(v.Value)
			if err != nil {
				p.errorf(v, kp, "an RE2 regular expression", "regex: %v", err)
				return
			}
			t.Regex = re
		case "replacement":
			t.Replacement = v.Value
		case "message":
			t.Message = v.Value
		case "rule_conditions":
			for i, c := range v.Content {
				rc := RuleCondition{}
				each(c, func(ck, cv *yaml.Node) {
					switch ck.Value {
					case "type":
						rc.Type = cv.Value
					case "category":
						rc.LogSource.Category = cv.Value
					case "product":
						rc.LogSource.Product = cv.Value
					case "service":
						rc.LogSource.Service = cv.Value
					case "tag":
						rc.Tag = cv.Value
					case "field":
						rc.Field = cv.Value
					case "value":
						rc.Value = cv.Value
					}
				})
				switch rc.Type {
				case "logsource", "tag", "contains_detection_item", "is_sigma_rule", "is_sigma_correlation_rule":
				default:
					p.errorf(c, fmt.Sprintf("%s[%d].type", kp, i), "one of logsource, tag, contains_detection_item, is_sigma_rule, is_sigma_correlation_rule", "unknown rule condition %q", rc.Type)
				}
				t.RuleConds = append(t.RuleConds, rc)
			}
		case "rule_cond_op":
			t.RuleCondOp = v.Value
		case "rule_cond_not":
			t.RuleCondNot = v.Value == "true"
		case "field_name_conditions":
			for _, c := range v.Content {
				fc := FieldCondition{}
				each(c, func(ck, cv *yaml.Node) {
					switch ck.Value {
					case "type":
						fc.Type = cv.Value
					case "fields":
						fc.Fields = scalars(cv)
					case "match_type":
						fc.Regex = cv.Value == "regex"
					}
				})
				t.FieldConds = append(t.FieldConds, fc)
			}
		case "field_name_cond_not":
			t.FieldNot = v.Value == "true"
		case "detection_item_conditions", "detection_item_cond_op", "detection_item_cond_not", "state", "key", "val":
			// Conditions on detection items and pipeline state are not
			// used by the engine; state has no effect on matching.
		}
	})
	if t.Type == "" {
		p.errorf(n, path+".type", "one of "+strings.Join(types, ", "), "a processing item needs a type")
		return nil
	}
	return t
}

// Apply returns the rules transformed by the pipeline; the inputs are not
// changed. Rules a rule_failure or detection_item_failure item applies to
// are left out and reported.
func (pl *Pipeline) Apply(rules []*sigma.Rule) ([]*sigma.Rule, sigma.Problems) {
	var out []*sigma.Rule
	var problems sigma.Problems
	for _, r := range rules {
		if r.Kind == sigma.CorrelationRule {
			out = append(out, r)
			continue
		}
		c := r.Clone()
		failed := false
		for i, t := range pl.Transformations {
			t.vars = pl.Vars
			if !t.appliesTo(c) {
				continue
			}
			if msg := t.apply(c, i); msg != "" {
				problems = append(problems, sigma.Problem{Pos: r.Pos, Message: msg, Hint: fmt.Sprintf("pipeline %q, %s", pl.Name, t.Pos), Code: sigma.CodeUnsupported})
				failed = true
				break
			}
		}
		if !failed {
			out = append(out, c)
		}
	}
	return out, problems
}

func (t *Transformation) appliesTo(r *sigma.Rule) bool {
	if len(t.RuleConds) == 0 {
		return true
	}
	res := t.RuleCondOp != "or"
	for _, c := range t.RuleConds {
		var ok bool
		switch c.Type {
		case "logsource":
			ls := r.LogSource
			ok = (c.LogSource.Category == "" || c.LogSource.Category == ls.Category) &&
				(c.LogSource.Product == "" || c.LogSource.Product == ls.Product) &&
				(c.LogSource.Service == "" || c.LogSource.Service == ls.Service)
		case "tag":
			ok = slices.Contains(r.Tags, c.Tag)
		case "contains_detection_item":
			ok = hasItem(r, c.Field, c.Value)
		case "is_sigma_rule":
			ok = r.Kind != sigma.CorrelationRule
		case "is_sigma_correlation_rule":
			ok = r.Kind == sigma.CorrelationRule
		}
		if t.RuleCondOp == "or" {
			res = res || ok
		} else {
			res = res && ok
		}
	}
	return res != t.RuleCondNot
}

func hasItem(r *sigma.Rule, field, value string) bool {
	if r.Detection == nil {
		return false
	}
	for _, s := range r.Detection.Searches {
		for _, alt := range s.Alternatives {
			for _, it := range alt {
				if it.Field != field {
					continue
				}
				for _, v := range it.Values {
					if value == "" || v.Text == value {
						return true
					}
				}
			}
		}
	}
	return false
}

func (t *Transformation) fieldApplies(name string) bool {
	if name == "" {
		return false
	}
	ok := true
	for _, fc := range t.FieldConds {
		in := false
		for _, f := range fc.Fields {
			if fc.Regex {
				if m, _ := regexp.MatchString("^(?:"+f+")$", name); m {
					in = true
				}
			} else if f == name {
				in = true
			}
		}
		if fc.Type == "exclude_fields" {
			in = !in
		}
		ok = ok && in
	}
	return ok != t.FieldNot
}

// apply changes r; a non-empty result is a failure message.
func (t *Transformation) apply(r *sigma.Rule, index int) string {
	switch t.Type {
	case "rule_failure":
		return cmpOr(t.Message, "the pipeline rejects this rule")
	case "change_logsource":
		if t.LogSource.Category != "" {
			r.LogSource.Category = t.LogSource.Category
		}
		if t.LogSource.Product != "" {
			r.LogSource.Product = t.LogSource.Product
		}
		if t.LogSource.Service != "" {
			r.LogSource.Service = t.LogSource.Service
		}
		return ""
	case "add_condition":
		if r.Detection == nil {
			return ""
		}
		name := fmt.Sprintf("_pipeline_%d", index)
		var items []*sigma.Item
		for _, k := range t.Keys {
			parts := strings.Split(k, "|")
			it := &sigma.Item{Field: parts[0], Modifiers: parts[1:], Pos: t.Pos, Path: "conditions." + k}
			for _, v := range t.Conditions[k] {
				it.Values = append(it.Values, sigma.Value{Kind: sigma.StringValue, Text: v, Pos: t.Pos})
			}
			items = append(items, it)
		}
		r.Detection.Searches[name] = &sigma.Search{Name: name, Pos: t.Pos, Alternatives: [][]*sigma.Item{items}}
		r.Detection.Order = append(r.Detection.Order, name)
		if t.Negated {
			r.Detection.Forbidden = append(r.Detection.Forbidden, name)
		} else {
			r.Detection.Required = append(r.Detection.Required, name)
		}
		return ""
	}
	if r.Detection == nil {
		return ""
	}
	for _, name := range r.Detection.Order {
		s := r.Detection.Searches[name]
		if strings.HasPrefix(name, "_pipeline_") && t.Type != "field_name_mapping" {
			continue
		}
		var alts [][]*sigma.Item
		for _, alt := range s.Alternatives {
			expanded := [][]*sigma.Item{nil}
			for _, it := range alt {
				variants, msg := t.item(it)
				if msg != "" {
					return msg
				}
				if len(variants) == 0 {
					continue // dropped
				}
				var next [][]*sigma.Item
				for _, e := range expanded {
					for _, v := range variants {
						next = append(next, append(slices.Clone(e), v))
					}
				}
				expanded = next
			}
			// An alternative whose items were all dropped always holds.
			alts = append(alts, expanded...)
		}
		s.Alternatives = alts
	}
	return ""
}

// item transforms one detection item into its replacements (several for a
// one-to-many field mapping, none when dropped).
func (t *Transformation) item(it *sigma.Item) ([]*sigma.Item, string) {
	switch t.Type {
	case "field_name_mapping":
		if to, ok := t.Mapping[it.Field]; ok && t.fieldApplies(it.Field) {
			var out []*sigma.Item
			for _, f := range to {
				c := *it
				c.Field = f
				out = append(out, &c)
			}
			return out, ""
		}
	case "field_name_prefix_mapping":
		if t.fieldApplies(it.Field) {
			keys := make([]string, 0, len(t.Mapping))
			for k := range t.Mapping {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
			for _, k := range keys {
				if strings.HasPrefix(it.Field, k) && len(t.Mapping[k]) > 0 {
					c := *it
					c.Field = t.Mapping[k][0] + strings.TrimPrefix(it.Field, k)
					return []*sigma.Item{&c}, ""
				}
			}
		}
	case "field_name_prefix":
		if t.fieldApplies(it.Field) {
			c := *it
			c.Field = t.Prefix + it.Field
			return []*sigma.Item{&c}, ""
		}
	case "field_name_suffix":
		if t.fieldApplies(it.Field) {
			c := *it
			c.Field = it.Field + t.Suffix
			return []*sigma.Item{&c}, ""
		}
	case "drop_detection_item":
		if len(t.FieldConds) == 0 || t.fieldApplies(it.Field) {
			return nil, ""
		}
	case "detection_item_failure":
		if len(t.FieldConds) == 0 || t.fieldApplies(it.Field) {
			return nil, cmpOr(t.Message, "the pipeline rejects a detection item of this rule")
		}
	case "replace_string":
		if t.Regex != nil {
			c := *it
			c.Values = slices.Clone(it.Values)
			for i, v := range c.Values {
				if v.Kind == sigma.StringValue {
					c.Values[i].Text = t.Regex.ReplaceAllString(v.Text, t.Replacement)
				}
			}
			return []*sigma.Item{&c}, ""
		}
	case "value_placeholders", "wildcard_placeholders":
		return []*sigma.Item{t.placeholders(it)}, ""
	}
	return []*sigma.Item{it}, ""
}

var placeholderRE = regexp.MustCompile(`%([A-Za-z0-9_.-]+)%`)

func (t *Transformation) wants(name string) bool {
	if len(t.Include) > 0 && !slices.Contains(t.Include, name) {
		return false
	}
	return !slices.Contains(t.Exclude, name)
}

// placeholders expands %name% in values of items with the expand
// modifier: by the pipeline's vars, or by a wildcard.
func (t *Transformation) placeholders(it *sigma.Item) *sigma.Item {
	if !slices.Contains(it.Modifiers, "expand") {
		return it
	}
	c := *it
	c.Values = nil
	done := true
	for _, v := range it.Values {
		if v.Kind != sigma.StringValue {
			c.Values = append(c.Values, v)
			continue
		}
		texts := []string{v.Text}
		for _, m := range placeholderRE.FindAllStringSubmatch(v.Text, -1) {
			name := m[1]
			if !t.wants(name) {
				done = false
				continue
			}
			var next []string
			for _, s := range texts {
				if t.Type == "wildcard_placeholders" {
					next = append(next, strings.ReplaceAll(s, m[0], "*"))
					continue
				}
				vals, ok := t.vars[name]
				if !ok {
					next = append(next, s)
					done = false
					continue
				}
				for _, x := range vals {
					next = append(next, strings.ReplaceAll(s, m[0], escape(x)))
				}
			}
			texts = next
		}
		for _, s := range texts {
			nv := v
			nv.Text = s
			c.Values = append(c.Values, nv)
		}
	}
	if done {
		c.Modifiers = slices.DeleteFunc(slices.Clone(it.Modifiers), func(m string) bool { return m == "expand" })
	}
	return &c
}

// escape makes a placeholder value literal in a Sigma string.
func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`)
	return r.Replace(s)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
