package threats

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// Rule documents are YAML: one rule (a mapping) or a list of rules per
// document. Built-in rules keep their metadata in rule documents embedded in
// the binary, with the check in Go; custom rules add a CEL condition. Both
// are read by one RuleDecoder. See docs/custom-rules.md for the format.

// RuleKeys are the keys a rule document may have, in documentation order.
var RuleKeys = []string{"id", "title", "stride", "linddun", "scope", "cwe", "capec", "attack", "likelihood", "impact",
	"mitigations", "threagile", "category", "concern", "trigger", "why", "mitigation", "references", "condition", "detail"}

// metaRequired must be present in every rule document (stride may give
// way to linddun).
var metaRequired = []string{"id", "title", "stride", "scope", "likelihood", "impact"}

// RuleDoc is one decoded rule document: the metadata and, for custom
// rules, the CEL expressions with their positions.
type RuleDoc struct {
	Meta
	// Condition and Detail are the CEL expressions (custom rules only).
	Condition, Detail Expr
	// Undocumented lists the texts (trigger, why, mitigation) a custom rule lacks.
	Undocumented []string
	// Pos is where the rule starts; Path its key path in the file ("[2]" in a list).
	Pos  model.Pos
	Path string
}

// Expr is a CEL expression found in a rule document.
type Expr struct {
	Text string
	// Path is the key path of the expression, e.g. "[1].condition".
	Path string
	node *yaml.Node
	file *ruleFile
}

// Pos maps a CEL location (1-based line, 0-based column in runes) in the
// expression's text to a position in the file; line 0 gives the start of the expression.
func (x Expr) Pos(line, col int) model.Pos {
	if x.node == nil {
		return model.Pos{}
	}
	return x.file.exprPos(x.node, line, col)
}

// DecodeOptions say what a decoder accepts.
type DecodeOptions struct {
	// Custom requires a condition (custom rules); otherwise conditions are
	// refused and the documentation texts, a CWE and a reference are required (built-in rules).
	Custom bool
	// Reserved are rule ids that may not be used (the built-in ids, for custom rules).
	Reserved func(id string) bool
}

// RuleDecoder decodes rule documents from one or more files, reporting
// every problem with file:line:column and refusing ids defined twice.
type RuleDecoder struct {
	opts     DecodeOptions
	seen     map[string]model.Pos
	docs     []RuleDoc
	problems model.Problems
}

// NewRuleDecoder returns a decoder with the options.
func NewRuleDecoder(opts DecodeOptions) *RuleDecoder {
	return &RuleDecoder{opts: opts, seen: map[string]model.Pos{}}
}

// Docs returns the rule documents decoded without error, in file order.
func (l *RuleDecoder) Docs() []RuleDoc { return l.docs }

// Problems returns every problem found, sorted by position.
func (l *RuleDecoder) Problems() model.Problems {
	l.problems.Sort()
	return l.problems
}

// Errorf adds an error at a position (for callers that check more, such as
// CEL compilation), with the code source.CodeInvalid.
func (l *RuleDecoder) Errorf(pos model.Pos, path, hint, format string, args ...any) {
	l.problems = append(l.problems, model.Problem{Pos: pos, Code: source.CodeInvalid, Path: path, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// Warnf adds a warning at a position.
func (l *RuleDecoder) Warnf(pos model.Pos, path, hint, format string, args ...any) {
	l.Errorf(pos, path, hint, format, args...)
	l.problems[len(l.problems)-1].Severity = source.Warning
}

// Decode decodes every rule document of one file's content; file names the
// source in problems.
func (l *RuleDecoder) Decode(name string, src []byte) {
	l.parseFile(name, src)
}

type ruleFile struct {
	name  string
	lines []string
}

func (l *RuleDecoder) add(f *ruleFile, n *yaml.Node, code source.Code, path, hint, format string, args ...any) {
	l.problems = append(l.problems, model.Problem{Pos: f.pos(n), Code: code, Path: path, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (l *RuleDecoder) warn(f *ruleFile, n *yaml.Node, code source.Code, path, hint, format string, args ...any) {
	l.add(f, n, code, path, hint, format, args...)
	l.problems[len(l.problems)-1].Severity = source.Warning
}

func (f *ruleFile) pos(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{File: f.name}
	}
	return model.Pos{File: f.name, Line: n.Line, Column: n.Column}
}

func (l *RuleDecoder) parseFile(name string, src []byte) {
	f := &ruleFile{name: name, lines: strings.Split(string(src), "\n")}
	roots, problems := source.ParseYAMLDocuments(name, src, source.Limits{})
	l.problems = append(l.problems, problems...)
	if len(roots) == 0 && len(problems) == 0 {
		l.warn(f, nil, source.CodeEmpty, "", "write one rule (a mapping) or a list of rules", "the file holds no rules")
		return
	}
	for _, n := range roots {
		switch n.Kind {
		case yaml.MappingNode:
			l.parseRule(f, n, "")
		case yaml.SequenceNode:
			for i, item := range n.Content {
				l.parseRule(f, item, "["+strconv.Itoa(i)+"]")
			}
		case yaml.ScalarNode:
			if n.Tag == "!!null" {
				continue
			}
			fallthrough
		default:
			l.add(f, n, source.CodeType, "", "start the file with 'id: my-rule' or with '- id: my-rule' for a list", "expected a rule (a mapping) or a list of rules, found %s", source.DescribeNode(n))
		}
	}
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// parseRule decodes and checks one rule mapping.
func (l *RuleDecoder) parseRule(f *ruleFile, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		l.add(f, n, source.CodeType, path, "each rule is a mapping starting with 'id:'", "expected a rule (a mapping), found %s", source.DescribeNode(n))
		return
	}
	before := len(l.problems.Errors())
	values := map[string]*yaml.Node{}
	keys := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		key := k.Value
		if !slices.Contains(RuleKeys, key) || (!l.opts.Custom && (key == "condition" || key == "detail")) {
			hint := source.Suggest(key, RuleKeys)
			if hint == "" {
				hint = "allowed keys: " + strings.Join(RuleKeys, ", ")
			}
			if !l.opts.Custom && (key == "condition" || key == "detail") {
				hint = "a built-in rule's check is written in Go"
			}
			l.add(f, k, source.CodeUnknownKey, joinKey(path, key), hint, "unknown key '%s'", key)
			continue
		}
		if prev := keys[key]; prev != nil {
			l.add(f, k, source.CodeDuplicateKey, joinKey(path, key), "remove one of them", "key '%s' repeated (first at line %d)", key, prev.Line)
			continue
		}
		keys[key], values[key] = k, v
	}
	required := metaRequired
	if l.opts.Custom {
		required = append(slices.Clip(required), "condition")
	}
	for _, key := range required {
		if values[key] == nil && (key != "stride" || values["linddun"] == nil) {
			l.add(f, n, source.CodeMissingKey, joinKey(path, key), "see docs/custom-rules.md for the rule format", "missing required key '%s'", key)
		}
	}
	d := fieldDecoder{l: l, f: f, path: path}
	doc := RuleDoc{Pos: f.pos(n), Path: path}
	m := &doc.Meta
	m.ID = d.str(values, "id")
	m.Title = d.str(values, "title")
	m.Trigger = d.str(values, "trigger")
	m.Why = d.str(values, "why")
	m.Mitigation = d.str(values, "mitigation")
	m.Category = d.str(values, "category")
	m.Concern = d.str(values, "concern")
	m.References = d.strs(values, "references")
	m.Threagile = d.strs(values, "threagile")
	var mitNodes, cweNodes, attackNodes, strideNodes []*yaml.Node
	var stride []string
	m.Mitigations, mitNodes = d.strNodes(values, "mitigations")
	m.CWE, cweNodes = d.ints(values, "cwe")
	m.CAPEC, _ = d.ints(values, "capec")
	m.ATTACK, attackNodes = d.strNodes(values, "attack")
	stride, strideNodes = d.strNodes(values, "stride")
	linddun, linddunNodes := d.strNodes(values, "linddun")
	m.Likelihood = d.rating(values, "likelihood")
	m.Impact = d.rating(values, "impact")
	condition := d.str(values, "condition")
	detail := d.str(values, "detail")

	if v := values["id"]; v != nil && m.ID != "" {
		switch {
		case !ValidRuleID(m.ID):
			l.add(f, v, source.CodeInvalidID, joinKey(path, "id"), "use lower-case letters, digits and dashes, e.g. 'acme-no-public-buckets'", "rule id '%s' is not a valid id", m.ID)
		case l.opts.Reserved != nil && l.opts.Reserved(m.ID):
			l.add(f, v, source.CodeDuplicateID, joinKey(path, "id"), "prefix custom rule ids with your organisation, e.g. 'acme-"+m.ID+"'", "rule id '%s' is already a built-in rule", m.ID)
		default:
			if at, dup := l.seen[m.ID]; dup {
				l.add(f, v, source.CodeDuplicateID, joinKey(path, "id"), "give each custom rule its own id", "rule id '%s' is already defined at %s", m.ID, at)
			} else {
				l.seen[m.ID] = f.pos(v)
			}
		}
	}
	strideValues := model.STRIDE("").Values()
	if v := values["stride"]; v != nil {
		for i, s := range stride {
			if !slices.Contains(strideValues, s) {
				l.add(f, strideNodes[i], source.CodeUnknownValue, itemPath(path, "stride", v, strideNodes[i]), hintOr(source.Suggest(s, strideValues), "one of "+strings.Join(strideValues, ", ")), "unknown STRIDE category '%s'", s)
				continue
			}
			m.STRIDE = append(m.STRIDE, model.STRIDE(s))
		}
		if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			l.add(f, v, source.CodeInvalidValue, joinKey(path, "stride"), "one or more of "+strings.Join(strideValues, ", "), "stride must name at least one category")
		}
	}
	linddunValues := model.LINDDUN("").Values()
	if v := values["linddun"]; v != nil {
		for i, s := range linddun {
			if !slices.Contains(linddunValues, s) {
				l.add(f, linddunNodes[i], source.CodeUnknownValue, itemPath(path, "linddun", v, linddunNodes[i]), hintOr(source.Suggest(s, linddunValues), "one of "+strings.Join(linddunValues, ", ")), "unknown LINDDUN category '%s'", s)
				continue
			}
			m.LINDDUN = append(m.LINDDUN, model.LINDDUN(s))
		}
	}
	scopeNames := []string{"component", "flow", "data", "boundary"}
	if !l.opts.Custom {
		scopeNames = append(scopeNames, "model")
	}
	if v := values["scope"]; v != nil {
		s := d.str(values, "scope")
		if slices.Contains(scopeNames, s) {
			m.Scope = Scope(s)
		} else if s != "" {
			l.add(f, v, source.CodeUnknownValue, joinKey(path, "scope"), hintOr(source.Suggest(s, scopeNames), "one of "+strings.Join(scopeNames, ", ")), "unknown scope '%s'", s)
		}
	}
	if v := values["attack"]; v != nil {
		for i, t := range m.ATTACK {
			if !ValidTechnique(t) {
				l.add(f, attackNodes[i], source.CodeInvalidValue, itemPath(path, "attack", v, attackNodes[i]), "write technique ids like T1190, T1552.001 or AML.T0051", "'%s' is not an ATT&CK or ATLAS technique id", t)
			}
		}
	}
	if v := values["cwe"]; v != nil {
		for i, id := range m.CWE {
			switch u := catalog.CWEUsage(id); u {
			case "":
				l.warn(f, cweNodes[i], source.CodeReference, itemPath(path, "cwe", v, cweNodes[i]), "check the number at https://cwe.mitre.org", "CWE-%d is not in the CWE catalog %s", id, catalog.CWEVersion)
			case "Prohibited", "Discouraged":
				l.warn(f, cweNodes[i], source.CodeInvalidValue, itemPath(path, "cwe", v, cweNodes[i]), "map to a weakness (Base or Variant) the CWE entry's mapping notes point to",
					"CWE-%d (%s) is %s for mapping in the CWE catalog %s", id, catalog.CWEName(id), u, catalog.CWEVersion)
			}
		}
	}
	if v := values["mitigations"]; v != nil {
		ids := catalog.ControlIDs()
		for i, c := range m.Mitigations {
			if _, ok := catalog.LookupControl(c); !ok {
				l.warn(f, mitNodes[i], source.CodeReference, itemPath(path, "mitigations", v, mitNodes[i]), hintOr(source.Suggest(c, ids), "it must then be declared in the model's controls"), "'%s' is not a catalog control", c)
			}
		}
	}
	var undocumented []string
	for _, key := range []string{"trigger", "why", "mitigation"} {
		if values[key] == nil {
			undocumented = append(undocumented, key)
		}
	}

	if len(l.problems.Errors()) > before {
		return
	}
	if l.opts.Custom {
		doc.Condition = Expr{Text: condition, Path: joinKey(path, "condition"), node: values["condition"], file: f}
		if detail != "" {
			doc.Detail = Expr{Text: detail, Path: joinKey(path, "detail"), node: values["detail"], file: f}
		}
		doc.Undocumented = undocumented
		if m.Trigger == "" {
			m.Trigger = "The condition `" + strings.TrimSpace(condition) + "` holds for a " + string(m.Scope) + "."
		}
	}
	check := m.Validate
	if !l.opts.Custom {
		check = func() error { return errors.Join(m.Validate(), m.Documented()) }
	}
	if err := check(); err != nil {
		l.add(f, n, source.CodeInvalid, path, "", "%v", err)
		return
	}
	l.docs = append(l.docs, doc)
}

func hintOr(hint, fallback string) string {
	if hint != "" {
		return hint
	}
	return fallback
}

// itemPath is the key path of item inside the list node list, e.g. "stride[1]".
func itemPath(path, key string, list, item *yaml.Node) string {
	for i, n := range list.Content {
		if n == item {
			return joinKey(path, key) + "[" + strconv.Itoa(i) + "]"
		}
	}
	return joinKey(path, key)
}

// fieldDecoder reads typed values out of a rule's key nodes, reporting bad types.
type fieldDecoder struct {
	l    *RuleDecoder
	f    *ruleFile
	path string
}

func (d fieldDecoder) str(values map[string]*yaml.Node, key string) string {
	n := values[key]
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.l.add(d.f, n, source.CodeType, joinKey(d.path, key), "write it as text; quote it if it contains ': ' or starts with a special character", "expected text, found %s", source.DescribeNode(n))
		return ""
	}
	if strings.TrimSpace(n.Value) == "" {
		d.l.add(d.f, n, source.CodeInvalidValue, joinKey(d.path, key), "remove the key or give it a value", "'%s' is empty", key)
		return ""
	}
	return n.Value
}

func (d fieldDecoder) strs(values map[string]*yaml.Node, key string) []string {
	out, _ := d.strNodes(values, key)
	return out
}

// strNodes returns a list of text and the node of each item.
func (d fieldDecoder) strNodes(values map[string]*yaml.Node, key string) ([]string, []*yaml.Node) {
	n := values[key]
	if n == nil {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		d.l.add(d.f, n, source.CodeType, joinKey(d.path, key), "write a list, e.g. "+key+": [a, b]", "expected a list, found %s", source.DescribeNode(n))
		return nil, nil
	}
	out := make([]string, 0, len(n.Content))
	nodes := make([]*yaml.Node, 0, len(n.Content))
	for i, item := range n.Content {
		if item.Kind != yaml.ScalarNode || item.Tag == "!!null" || item.Value == "" {
			d.l.add(d.f, item, source.CodeType, joinKey(d.path, key)+"["+strconv.Itoa(i)+"]", "", "expected text, found %s", source.DescribeNode(item))
			continue
		}
		out = append(out, item.Value)
		nodes = append(nodes, item)
	}
	return out, nodes
}

func (d fieldDecoder) ints(values map[string]*yaml.Node, key string) ([]int, []*yaml.Node) {
	n := values[key]
	if n == nil {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		d.l.add(d.f, n, source.CodeType, joinKey(d.path, key), "write a list of numbers, e.g. "+key+": [79, 89]", "expected a list, found %s", source.DescribeNode(n))
		return nil, nil
	}
	var out []int
	var nodes []*yaml.Node
	for i, item := range n.Content {
		v, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(item.Value, "CWE-"), "CAPEC-"))
		if item.Kind != yaml.ScalarNode || err != nil || v <= 0 {
			d.l.add(d.f, item, source.CodeType, joinKey(d.path, key)+"["+strconv.Itoa(i)+"]", "write the number only, e.g. 89 for CWE-89", "expected a positive number, found %s", source.DescribeNode(item))
			continue
		}
		out = append(out, v)
		nodes = append(nodes, item)
	}
	return out, nodes
}

func (d fieldDecoder) rating(values map[string]*yaml.Node, key string) int {
	n := values[key]
	if n == nil {
		return 0
	}
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || err != nil || v < 1 || v > 5 {
		d.l.add(d.f, n, source.CodeType, joinKey(d.path, key), "1 is lowest, 5 highest", "expected a whole number from 1 to 5, found %s", source.DescribeNode(n))
		return 0
	}
	return v
}

// exprPos maps a CEL location (1-based line, 0-based column in runes) in the
// text of scalar node n back to a position in the file.
func (f *ruleFile) exprPos(n *yaml.Node, line, col int) model.Pos {
	p := model.Pos{File: f.name, Line: n.Line, Column: n.Column}
	if line < 1 {
		return p
	}
	switch n.Style {
	case yaml.LiteralStyle:
		// Text lines map one to one onto the file lines after the '|' indicator.
		fl := n.Line + line // 1-based file line
		if fl-1 < len(f.lines) {
			return model.Pos{File: f.name, Line: fl, Column: blockIndent(f.lines, n.Line) + col + 1}
		}
		return p
	}
	// Plain, quoted and folded scalars: find the rune offset in the text,
	// then walk the file's segments (folded lines are joined by one space).
	text := strings.Split(n.Value, "\n")
	offset := 0
	for i := 0; i < line-1 && i < len(text); i++ {
		offset += utf8.RuneCountInString(text[i]) + 1
	}
	offset += col
	startLine, startCol := n.Line, n.Column
	if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
		startCol++
	}
	if n.Style == yaml.FoldedStyle {
		startLine, startCol = n.Line+1, blockIndent(f.lines, n.Line)+1
	}
	for fl := startLine; fl-1 < len(f.lines); fl++ {
		src := []rune(f.lines[fl-1])
		first := startCol - 1
		if fl != startLine {
			first = len(src) - len([]rune(strings.TrimLeft(string(src), " \t")))
		}
		if first > len(src) {
			return p
		}
		seg := len(src) - first
		if offset <= seg {
			return model.Pos{File: f.name, Line: fl, Column: first + offset + 1}
		}
		offset -= seg + 1
	}
	return p
}

// blockIndent returns the indentation of a block scalar's content, whose
// indicator is on the 1-based line header.
func blockIndent(lines []string, header int) int {
	for i := header; i < len(lines); i++ {
		s := lines[i]
		if t := strings.TrimLeft(s, " "); t != "" {
			return len(s) - len(t)
		}
	}
	return 0
}
