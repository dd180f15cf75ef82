package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// Problem is one thing wrong with a rule: the input layer's problem, with
// its position, key path, hint, severity and code. A problem with code
// CodeUnsupported is valid Sigma this engine does not run (the Sigma 1
// aggregation syntax, regular expressions beyond RE2, placeholders without
// values); other errors make a rule invalid; warnings do neither.
type Problem = source.Problem

// Problems is a list of rule problems.
type Problems = source.Problems

// Problem codes of Sigma rules, beside the input layer's.
const (
	// CodeUnsupported marks valid Sigma the engine does not run.
	CodeUnsupported source.Code = "sigma_unsupported"
	// CodeCondition marks a condition that does not parse or names no search.
	CodeCondition source.Code = "sigma_condition"
	// CodeModifier marks an unknown or misused value modifier.
	CodeModifier source.Code = "sigma_modifier"
)

// IsUnsupported tells whether a problem is valid Sigma the engine does not
// run, rather than an invalid rule.
func IsUnsupported(p Problem) bool { return p.Code == CodeUnsupported }

// MaxRuleBytes bounds the size of one rule file.
const MaxRuleBytes = 1 << 20

// maxDocuments bounds the YAML documents in one rule file.
const maxDocuments = 64

var (
	levels   = []string{"informational", "low", "medium", "high", "critical"}
	statuses = []string{"stable", "test", "experimental", "deprecated", "unsupported"}
	corrType = []string{"event_count", "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg", "value_percentile"}
	uuidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

type parser struct {
	file     string
	problems Problems
}

func (p *parser) pos(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{File: p.file}
	}
	return model.Pos{File: p.file, Line: n.Line, Column: n.Column}
}

func (p *parser) errorf(n *yaml.Node, path, hint, format string, args ...any) {
	p.errorc(n, source.CodeInvalid, path, hint, format, args...)
}

func (p *parser) errorc(n *yaml.Node, code source.Code, path, hint, format string, args ...any) {
	p.problems = append(p.problems, source.Errorf(p.pos(n), code, path, hint, format, args...))
}

func (p *parser) warnf(n *yaml.Node, path, hint, format string, args ...any) {
	p.problems = append(p.problems, source.Warnf(p.pos(n), source.CodeInvalid, path, hint, format, args...))
}

// Parse reads every rule document of one file. Each returned rule is
// complete; the problems cover the documents that were not, with their
// positions. A file may hold a Sigma 2 rule with the rules its correlation
// refers to, or a Sigma 1 collection (action: global / reset / repeat).
func Parse(file string, data []byte) ([]*Rule, Problems) {
	p := &parser{file: file}
	if len(data) > MaxRuleBytes {
		p.errorc(nil, source.CodeLimit, "", "split the file", "rule file is %d bytes, more than the limit of %d", len(data), MaxRuleBytes)
		return nil, p.problems
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var (
		rules  []*Rule
		global *yaml.Node
		prev   *yaml.Node
	)
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.yamlError(err)
			break
		}
		if i >= maxDocuments {
			p.errorf(&doc, "", "split the file", "more than %d YAML documents in one file", maxDocuments)
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue
		}
		if root.Kind != yaml.MappingNode {
			p.errorf(root, "", "a rule is a mapping of title, logsource, detection, ...", "a rule document must be a mapping, not %s", model.DescribeNode(root))
			continue
		}
		if a := mapGet(root, "action"); a != nil {
			switch a.Value {
			case "global":
				global = withoutKey(root, "action")
				continue
			case "reset":
				global = nil
				continue
			case "repeat":
				if prev == nil {
					p.errorf(a, "action", "put 'action: repeat' after a complete rule", "nothing to repeat")
					continue
				}
				root = merge(prev, withoutKey(root, "action"))
			default:
				p.errorf(a, "action", "one of global, reset, repeat", "unknown collection action %q", a.Value)
				continue
			}
		} else if global != nil {
			root = merge(global, root)
		}
		prev = root
		before := len(p.problems.Errors())
		r := p.rule(root)
		if len(p.problems.Errors()) == before && r != nil {
			rules = append(rules, r)
		}
	}
	return rules, p.problems
}

var yamlLineRE = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

func (p *parser) yamlError(err error) {
	msg := err.Error()
	pos := model.Pos{File: p.file, Line: 1, Column: 1}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			pos.Column, _ = strconv.Atoi(m[2])
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	p.problems = append(p.problems, Problem{Pos: pos, Message: "YAML syntax: " + msg, Hint: "check the indentation and quoting near this line", Code: source.CodeSyntax})
}

func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func withoutKey(n *yaml.Node, key string) *yaml.Node {
	out := *n
	out.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key {
			out.Content = append(out.Content, n.Content[i], n.Content[i+1])
		}
	}
	return &out
}

// merge returns base with over laid on top, mappings merged key by key.
func merge(base, over *yaml.Node) *yaml.Node {
	if base == nil || base.Kind != yaml.MappingNode || over.Kind != yaml.MappingNode {
		return over
	}
	out := *over
	out.Content = nil
	seen := map[string]bool{}
	for i := 0; i+1 < len(base.Content); i += 2 {
		k := base.Content[i].Value
		seen[k] = true
		v := base.Content[i+1]
		if o := mapGet(over, k); o != nil {
			v = merge(v, o)
		}
		out.Content = append(out.Content, base.Content[i], v)
	}
	for i := 0; i+1 < len(over.Content); i += 2 {
		if !seen[over.Content[i].Value] {
			out.Content = append(out.Content, over.Content[i], over.Content[i+1])
		}
	}
	if out.Line == 0 {
		out.Line, out.Column = base.Line, base.Column
	}
	return &out
}

// pairs iterates a mapping's keys and values, reporting duplicate and
// non-scalar keys.
func (p *parser) pairs(n *yaml.Node, path string, fn func(k, v *yaml.Node, kpath string)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, path, "keys are plain names", "a key must be a name, not %s", model.DescribeNode(k))
			continue
		}
		kp := k.Value
		if path != "" {
			kp = path + "." + k.Value
		}
		if seen[k.Value] {
			p.errorc(k, source.CodeDuplicateKey, kp, "remove one of them", "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k, v, kp)
	}
}

func (p *parser) str(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, path, "write a single value", "expected a text value, found %s", model.DescribeNode(n))
		return "", false
	}
	return n.Value, true
}

func (p *parser) strList(n *yaml.Node, path string) []string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "write a list of values", "expected a list, found %s", model.DescribeNode(n))
		return nil
	}
	var out []string
	for i, c := range n.Content {
		if s, ok := p.str(c, fmt.Sprintf("%s[%d]", path, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) rule(root *yaml.Node) *Rule {
	r := &Rule{Pos: p.pos(root)}
	var detection, correlation, filter *yaml.Node
	p.pairs(root, "", func(k, v *yaml.Node, kp string) {
		switch k.Value {
		case "title":
			r.Title, _ = p.str(v, kp)
		case "id":
			if s, ok := p.str(v, kp); ok {
				r.ID = s
				if !uuidRE.MatchString(s) {
					p.warnf(v, kp, "Sigma rule ids are UUIDs", "id %q is not a UUID", s)
				}
			}
		case "name":
			r.Name, _ = p.str(v, kp)
		case "status":
			if s, ok := p.str(v, kp); ok {
				r.Status = s
				if !contains(statuses, s) {
					p.warnf(v, kp, hintOneOf(s, statuses), "unknown status %q", s)
				}
			}
		case "level":
			if s, ok := p.str(v, kp); ok {
				r.Level = s
				if !contains(levels, s) {
					p.errorc(v, source.CodeUnknownValue, kp, hintOneOf(s, levels), "unknown level %q", s)
				}
			}
		case "description":
			r.Description, _ = p.str(v, kp)
		case "author":
			if v.Kind == yaml.ScalarNode {
				r.Author = v.Value
			}
		case "tags":
			r.Tags = p.strList(v, kp)
		case "fields":
			r.Fields = p.strList(v, kp)
		case "logsource":
			if v.Kind != yaml.MappingNode {
				p.errorf(v, kp, "give category, product and/or service", "logsource must be a mapping, not %s", model.DescribeNode(v))
				return
			}
			p.pairs(v, kp, func(k2, v2 *yaml.Node, kp2 string) {
				s, ok := p.str(v2, kp2)
				if !ok {
					return
				}
				switch k2.Value {
				case "category":
					r.LogSource.Category = s
				case "product":
					r.LogSource.Product = s
				case "service":
					r.LogSource.Service = s
				}
			})
		case "detection":
			detection = v
		case "correlation":
			correlation = v
		case "filter":
			filter = v
		}
	})
	if t := mapGet(root, "title"); t == nil {
		p.errorc(root, source.CodeMissingKey, "title", "add 'title: ...'", "a rule needs a title")
	}
	switch {
	case correlation != nil:
		r.Kind = CorrelationRule
		r.Correlation = p.correlation(correlation, "correlation")
	case filter != nil:
		r.Kind = FilterRule
		if filter.Kind != yaml.MappingNode {
			p.errorf(filter, "filter", "give rules, selections and a condition", "filter must be a mapping, not %s", model.DescribeNode(filter))
			return r
		}
		r.Filter = &Filter{Pos: p.pos(filter)}
		if rl := mapGet(filter, "rules"); rl != nil {
			r.Filter.Rules = p.strList(rl, "filter.rules")
		} else {
			p.errorf(filter, "filter.rules", "list the ids or names of the rules the filter applies to", "a filter needs 'rules'")
		}
		r.Detection = p.detection(withoutKey(filter, "rules"), "filter")
		if mapGet(root, "logsource") == nil {
			p.errorf(root, "logsource", "add the logsource of the rules it filters", "a filter rule needs a logsource")
		}
	case detection != nil:
		r.Kind = DetectionRule
		r.Detection = p.detection(detection, "detection")
		if mapGet(root, "logsource") == nil {
			p.errorf(root, "logsource", "add 'logsource:' with category, product and/or service", "a detection rule needs a logsource")
		}
	default:
		p.errorf(root, "detection", "a rule has detection (or correlation, or filter)", "no detection, correlation or filter section")
	}
	return r
}

func hintOneOf(s string, values []string) string {
	if h := model.Suggest(s, values); h != "" {
		return h
	}
	return "one of " + strings.Join(values, ", ")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (p *parser) detection(n *yaml.Node, path string) *Detection {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "give searches and a condition", "%s must be a mapping, not %s", path, model.DescribeNode(n))
		return nil
	}
	d := &Detection{Pos: p.pos(n), Searches: map[string]*Search{}}
	p.pairs(n, path, func(k, v *yaml.Node, kp string) {
		switch k.Value {
		case "condition":
			switch v.Kind {
			case yaml.ScalarNode:
				d.Conditions = append(d.Conditions, Condition{Text: v.Value, Pos: p.condPos(v), Path: kp})
			case yaml.SequenceNode:
				for i, c := range v.Content {
					if s, ok := p.str(c, fmt.Sprintf("%s[%d]", kp, i)); ok {
						d.Conditions = append(d.Conditions, Condition{Text: s, Pos: p.condPos(c), Path: fmt.Sprintf("%s[%d]", kp, i)})
					}
				}
			default:
				p.errorf(v, kp, "e.g. 'condition: selection and not filter'", "condition must be text or a list of texts, not %s", model.DescribeNode(v))
			}
		case "timeframe":
			p.warnf(v, kp, "write a correlation rule with 'timespan' for events over time", "detection.timeframe is Sigma 1 syntax and has no effect on a single-event rule")
		default:
			if s := p.search(k, v, kp); s != nil {
				d.Searches[k.Value] = s
				d.Order = append(d.Order, k.Value)
			}
		}
	})
	if len(d.Conditions) == 0 && mapGet(n, "condition") == nil {
		p.errorc(n, source.CodeMissingKey, path+".condition", "add e.g. 'condition: selection'", "%s needs a condition", path)
	}
	return d
}

// condPos is where a condition's text starts (after a quote).
func (p *parser) condPos(n *yaml.Node) model.Pos {
	pos := p.pos(n)
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		pos.Column++
	}
	return pos
}

func (p *parser) search(k, v *yaml.Node, path string) *Search {
	s := &Search{Name: k.Value, Pos: p.pos(k)}
	switch v.Kind {
	case yaml.MappingNode:
		s.Alternatives = [][]*Item{p.items(v, path)}
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			p.errorf(v, path, "give at least one value or map", "search %q is an empty list", k.Value)
			return nil
		}
		maps, scalars := 0, 0
		for _, c := range v.Content {
			if c.Kind == yaml.MappingNode {
				maps++
			} else {
				scalars++
			}
		}
		switch {
		case maps == len(v.Content):
			for i, c := range v.Content {
				s.Alternatives = append(s.Alternatives, p.items(c, fmt.Sprintf("%s[%d]", path, i)))
			}
		case scalars == len(v.Content):
			it := &Item{Pos: p.pos(v), Path: path}
			it.Values = p.values(v, path)
			s.Alternatives = [][]*Item{{it}}
		default:
			p.errorf(v, path, "use a list of maps (alternatives) or a list of keywords", "search %q mixes maps and plain values", k.Value)
			return nil
		}
	case yaml.ScalarNode:
		it := &Item{Pos: p.pos(v), Path: path}
		it.Values = p.values(v, path)
		s.Alternatives = [][]*Item{{it}}
	default:
		p.errorf(v, path, "a search is a map of fields or a list", "search %q must be a map or a list, not %s", k.Value, model.DescribeNode(v))
		return nil
	}
	return s
}

func (p *parser) items(n *yaml.Node, path string) []*Item {
	var items []*Item
	if len(n.Content) == 0 {
		p.errorf(n, path, "name at least one field", "empty map of fields")
	}
	p.pairs(n, path, func(k, v *yaml.Node, kp string) {
		parts := strings.Split(k.Value, "|")
		it := &Item{Field: parts[0], Modifiers: parts[1:], Pos: p.pos(k), Path: kp}
		for i, m := range it.Modifiers {
			if !knownModifier(m) {
				p.errorc(k, CodeModifier, kp, hintOneOf(m, modifierNames()), "unknown modifier %q", m)
			}
			if m == "" && i < len(it.Modifiers) {
				p.errorf(k, kp, "remove the extra '|'", "empty modifier")
			}
		}
		if v.Kind == yaml.MappingNode {
			p.errorf(v, kp, "give one value or a list of values", "field %q has a map as its value", it.Field)
			return
		}
		it.Values = p.values(v, kp)
		items = append(items, it)
	})
	return items
}

func (p *parser) values(n *yaml.Node, path string) []Value {
	one := func(c *yaml.Node, cp string) (Value, bool) {
		if c.Kind != yaml.ScalarNode {
			p.errorf(c, cp, "values are text, numbers, booleans or null", "a value cannot be %s", model.DescribeNode(c))
			return Value{}, false
		}
		v := Value{Text: c.Value, Pos: p.pos(c), Path: cp}
		switch c.Tag {
		case "!!null":
			v.Kind, v.Text = NullValue, ""
		case "!!int", "!!float":
			v.Kind = NumberValue
		case "!!bool":
			v.Kind = BoolValue
			v.Text = strings.ToLower(c.Value)
		}
		return v, true
	}
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 {
			p.errorf(n, path, "give at least one value", "empty list of values")
		}
		var out []Value
		for i, c := range n.Content {
			if v, ok := one(c, fmt.Sprintf("%s[%d]", path, i)); ok {
				out = append(out, v)
			}
		}
		return out
	}
	if v, ok := one(n, path); ok {
		return []Value{v}
	}
	return nil
}

func (p *parser) correlation(n *yaml.Node, path string) *Correlation {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "give type, rules, timespan and condition", "correlation must be a mapping, not %s", model.DescribeNode(n))
		return nil
	}
	c := &Correlation{Pos: p.pos(n), Generate: false}
	p.pairs(n, path, func(k, v *yaml.Node, kp string) {
		switch k.Value {
		case "type":
			if s, ok := p.str(v, kp); ok {
				c.Type = s
				if !contains(corrType, s) {
					p.errorc(v, source.CodeUnknownValue, kp, hintOneOf(s, corrType), "unknown correlation type %q", s)
				}
			}
		case "rules":
			c.Rules = p.strList(v, kp)
		case "group-by":
			c.GroupBy = p.strList(v, kp)
		case "timespan":
			if s, ok := p.str(v, kp); ok {
				d, err := ParseTimespan(s)
				if err != nil {
					p.errorf(v, kp, "a number and a unit: s, m, h, d, w (e.g. 5m)", "%v", err)
				}
				c.Timespan = d
			}
		case "generate":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				p.errorf(v, kp, "true or false", "generate must be a boolean, not %s", model.DescribeNode(v))
				return
			}
			c.Generate = v.Value == "true"
		case "aliases":
			if v.Kind != yaml.MappingNode {
				p.errorf(v, kp, "alias: {rule: field, ...}", "aliases must be a mapping, not %s", model.DescribeNode(v))
				return
			}
			c.Aliases = map[string]map[string]string{}
			p.pairs(v, kp, func(ak, av *yaml.Node, akp string) {
				if av.Kind != yaml.MappingNode {
					p.errorf(av, akp, "map each rule to its field", "alias %q must map rules to fields, not %s", ak.Value, model.DescribeNode(av))
					return
				}
				m := map[string]string{}
				p.pairs(av, akp, func(rk, rv *yaml.Node, rkp string) {
					if s, ok := p.str(rv, rkp); ok {
						m[rk.Value] = s
					}
				})
				c.Aliases[ak.Value] = m
			})
		case "condition":
			if v.Kind != yaml.MappingNode {
				p.errorf(v, kp, "e.g. 'condition: {gte: 10}'", "a correlation condition must be a mapping, not %s", model.DescribeNode(v))
				return
			}
			p.pairs(v, kp, func(ck, cv *yaml.Node, ckp string) {
				switch ck.Value {
				case "field":
					c.Condition.Field, _ = p.str(cv, ckp)
				case "gt", "gte", "lt", "lte", "eq", "neq":
					f, err := strconv.ParseFloat(cv.Value, 64)
					if cv.Kind != yaml.ScalarNode || err != nil {
						p.errorf(cv, ckp, "a number", "threshold must be a number, not %s", model.DescribeNode(cv))
						return
					}
					if c.Condition.Set {
						p.errorf(ck, ckp, "give one comparison", "a second comparison %q", ck.Value)
						return
					}
					c.Condition.Op, c.Condition.Value, c.Condition.Set = ck.Value, f, true
				default:
					p.errorf(ck, ckp, hintOneOf(ck.Value, []string{"field", "gt", "gte", "lt", "lte", "eq", "neq"}), "unknown key %q in a correlation condition", ck.Value)
				}
			})
		default:
			p.errorf(k, kp, hintOneOf(k.Value, []string{"type", "rules", "group-by", "timespan", "condition", "aliases", "generate"}), "unknown key %q in correlation", k.Value)
		}
	})
	if c.Type == "" {
		p.errorf(n, path+".type", "one of "+strings.Join(corrType, ", "), "a correlation needs a type")
	}
	if len(c.Rules) == 0 {
		p.errorf(n, path+".rules", "list the ids or names of the rules it correlates", "a correlation needs rules")
	}
	if c.Timespan <= 0 && mapGet(n, "timespan") == nil {
		p.errorf(n, path+".timespan", "e.g. 'timespan: 5m'", "a correlation needs a timespan")
	}
	switch c.Type {
	case "event_count", "value_count", "value_sum", "value_avg", "value_percentile":
		if !c.Condition.Set && mapGet(n, "condition") == nil {
			p.errorf(n, path+".condition", "e.g. 'condition: {gte: 10}'", "a %s correlation needs a condition", c.Type)
		}
		if c.Type != "event_count" && c.Condition.Field == "" && mapGet(n, "condition") != nil {
			p.errorf(mapGet(n, "condition"), path+".condition.field", "name the field whose values are counted or summed", "a %s correlation needs condition.field", c.Type)
		}
	case "temporal", "temporal_ordered":
		if len(c.Rules) < 2 && len(c.Rules) > 0 {
			p.warnf(mapGet(n, "rules"), path+".rules", "list two or more rules", "a %s correlation of one rule is an event count", c.Type)
		}
	}
	return c
}

// ParseTimespan reads a Sigma timespan: a whole number and one of the
// units s, m, h, d, w (M and y for months and years of 30 and 365 days).
func ParseTimespan(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("timespan %q is not a number with a unit", s)
	}
	n, err := strconv.ParseUint(s[:len(s)-1], 10, 32)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("timespan %q is not a positive whole number with a unit", s)
	}
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 'M': 30 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}
	u, ok := units[s[len(s)-1]]
	if !ok {
		return 0, fmt.Errorf("timespan %q has an unknown unit %q", s, s[len(s)-1:])
	}
	return time.Duration(n) * u, nil
}
