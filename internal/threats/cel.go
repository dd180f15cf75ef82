package threats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// Custom rules are YAML files holding rule metadata plus a CEL condition
// evaluated for every element of the rule's scope. See docs/custom-rules.md.

// Limits on custom rule files.
const (
	// MaxCustomRuleFileSize is the largest custom rule file accepted.
	MaxCustomRuleFileSize = 1 << 20
	// customCostLimit bounds the work one evaluation of a condition may do,
	// so that a rule cannot stall analysis of a large model.
	customCostLimit = 1_000_000
)

// ruleKeys are the keys a custom rule may have, in documentation order.
var ruleKeys = []string{"id", "title", "stride", "scope", "cwe", "capec", "attack", "likelihood", "impact",
	"mitigations", "threagile", "category", "trigger", "why", "mitigation", "references", "condition", "detail"}

// requiredKeys must be present in every custom rule.
var requiredKeys = []string{"id", "title", "stride", "scope", "likelihood", "impact", "condition"}

// customScopes are the scopes a custom rule may have, with the CEL variable
// holding the element.
var customScopes = map[Scope]string{
	ScopeComponent: "component",
	ScopeFlow:      "flow",
	ScopeData:      "data",
	ScopeBoundary:  "boundary",
}

var (
	ruleIDPattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	techniquePattern = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)
)

// LoadCustomRules loads every custom rule file (*.yaml, *.yml) in dir, in
// file name order. It returns the valid rules, every problem found (errors
// and warnings, each with file:line:column) and an error only when dir or a
// file cannot be read. A rule with an error is left out of the result.
func LoadCustomRules(ctx context.Context, dir string) ([]Rule, model.Problems, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading custom rules: %w", err)
	}
	var files []string
	for _, ent := range entries {
		name := ent.Name()
		if ent.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		if ext := filepath.Ext(name); ext == ".yaml" || ext == ".yml" {
			files = append(files, filepath.Join(dir, name))
		}
	}
	sort.Strings(files)
	l := newRuleLoader()
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("reading custom rules: %w", err)
		}
		src, err := readRuleFile(ctx, file)
		if err != nil {
			return nil, nil, err
		}
		l.parseFile(file, src)
	}
	l.problems.Sort()
	return l.rules, l.problems, nil
}

// ParseCustomRules parses custom rules from one file's content; file names
// the source in problems. It is LoadCustomRules for a single in-memory file.
func ParseCustomRules(file string, src []byte) ([]Rule, model.Problems) {
	l := newRuleLoader()
	l.parseFile(file, src)
	l.problems.Sort()
	return l.rules, l.problems
}

// readRuleFile reads one custom rule file through the input layer's
// reader: regular files only, at most MaxCustomRuleFileSize bytes.
func readRuleFile(ctx context.Context, path string) ([]byte, error) {
	src, err := source.ReadFile(ctx, path, MaxCustomRuleFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading custom rules: %w", err)
	}
	return src, nil
}

// ruleLoader collects rules and problems across the files of one load.
type ruleLoader struct {
	builtin  map[string]bool
	seen     map[string]model.Pos
	rules    []Rule
	problems model.Problems
	cache    *celCache
}

func newRuleLoader() *ruleLoader {
	l := &ruleLoader{builtin: map[string]bool{}, seen: map[string]model.Pos{}, cache: &celCache{}}
	for _, r := range Builtin() {
		l.builtin[r.ID] = true
	}
	return l
}

// ruleFile is the file being parsed.
type ruleFile struct {
	name  string
	lines []string
}

func (l *ruleLoader) add(f *ruleFile, n *yaml.Node, path, hint, format string, args ...any) {
	l.problems = append(l.problems, model.Problem{Pos: f.pos(n), Path: path, Message: fmt.Sprintf(format, args...), Hint: hint})
}

func (l *ruleLoader) warn(f *ruleFile, n *yaml.Node, path, hint, format string, args ...any) {
	l.add(f, n, path, hint, format, args...)
	l.problems[len(l.problems)-1].Severity = source.Warning
}

func (f *ruleFile) pos(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{File: f.name}
	}
	return model.Pos{File: f.name, Line: n.Line, Column: n.Column}
}

func (l *ruleLoader) parseFile(name string, src []byte) {
	f := &ruleFile{name: name, lines: strings.Split(string(src), "\n")}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for doc := 0; ; doc++ {
		var root yaml.Node
		err := dec.Decode(&root)
		if errors.Is(err, io.EOF) {
			if doc == 0 {
				l.warn(f, nil, "", "write one rule (a mapping) or a list of rules", "the file holds no rules")
			}
			return
		}
		if err != nil {
			l.problems = append(l.problems, yamlProblem(name, err))
			return
		}
		if len(root.Content) == 0 {
			continue
		}
		n := root.Content[0]
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
			l.add(f, n, "", "start the file with 'id: my-rule' or with '- id: my-rule' for a list", "expected a rule (a mapping) or a list of rules, found %s", describeNode(n))
		}
	}
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlProblem turns a YAML syntax error into a problem with the line it names.
func yamlProblem(file string, err error) model.Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := model.Problem{Pos: model.Pos{File: file}, Message: "invalid YAML: " + msg, Hint: "check indentation and quoting around that line"}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Pos.Line, _ = strconv.Atoi(m[1])
		p.Pos.Column = 1
	}
	return p
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "nothing (null)"
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return n.Value
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "..."
	}
	return "'" + v + "'"
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// parseRule decodes and validates one rule mapping, compiling its CEL.
func (l *ruleLoader) parseRule(f *ruleFile, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		l.add(f, n, path, "each rule is a mapping starting with 'id:'", "expected a rule (a mapping), found %s", describeNode(n))
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
		if !contains(ruleKeys, key) {
			hint := model.Suggest(key, ruleKeys)
			if hint == "" {
				hint = "allowed keys: " + strings.Join(ruleKeys, ", ")
			}
			l.add(f, k, joinKey(path, key), hint, "unknown key '%s'", key)
			continue
		}
		if prev := keys[key]; prev != nil {
			l.add(f, k, joinKey(path, key), "remove one of them", "key '%s' repeated (first at line %d)", key, prev.Line)
			continue
		}
		keys[key], values[key] = k, v
	}
	for _, key := range requiredKeys {
		if values[key] == nil {
			l.add(f, n, joinKey(path, key), "see docs/custom-rules.md for the rule format", "missing required key '%s'", key)
		}
	}
	d := fieldDecoder{l: l, f: f, path: path}
	var r Rule
	r.custom = true
	m := &r.Meta
	m.ID = d.str(values, "id")
	m.Title = d.str(values, "title")
	m.Trigger = d.str(values, "trigger")
	m.Why = d.str(values, "why")
	m.Mitigation = d.str(values, "mitigation")
	m.Category = d.str(values, "category")
	m.References = d.strs(values, "references")
	m.Threagile = d.strs(values, "threagile")
	var mitNodes, cweNodes, attackNodes, strideNodes []*yaml.Node
	var stride []string
	m.Mitigations, mitNodes = d.strNodes(values, "mitigations")
	m.CWE, cweNodes = d.ints(values, "cwe")
	m.CAPEC, _ = d.ints(values, "capec")
	m.ATTACK, attackNodes = d.strNodes(values, "attack")
	stride, strideNodes = d.strNodes(values, "stride")
	m.Likelihood = d.rating(values, "likelihood")
	m.Impact = d.rating(values, "impact")
	condition := d.str(values, "condition")
	detail := d.str(values, "detail")

	if v := values["id"]; v != nil && m.ID != "" {
		switch {
		case !ruleIDPattern.MatchString(m.ID):
			l.add(f, v, joinKey(path, "id"), "use lower-case letters, digits and dashes, e.g. 'acme-no-public-buckets'", "rule id '%s' is not a valid id", m.ID)
		case l.builtin[m.ID]:
			l.add(f, v, joinKey(path, "id"), "prefix custom rule ids with your organisation, e.g. 'acme-"+m.ID+"'", "rule id '%s' is already a built-in rule", m.ID)
		default:
			if at, dup := l.seen[m.ID]; dup {
				l.add(f, v, joinKey(path, "id"), "give each custom rule its own id", "rule id '%s' is already defined at %s", m.ID, at)
			} else {
				l.seen[m.ID] = f.pos(v)
			}
		}
	}
	strideValues := model.STRIDE("").Values()
	if v := values["stride"]; v != nil {
		for i, s := range stride {
			if !contains(strideValues, s) {
				l.add(f, strideNodes[i], itemPath(path, "stride", v, strideNodes[i]), hintOr(model.Suggest(s, strideValues), "one of "+strings.Join(strideValues, ", ")), "unknown STRIDE category '%s'", s)
				continue
			}
			m.STRIDE = append(m.STRIDE, model.STRIDE(s))
		}
		if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			l.add(f, v, joinKey(path, "stride"), "one or more of "+strings.Join(strideValues, ", "), "stride must name at least one category")
		}
	}
	scopeNames := []string{"component", "flow", "data", "boundary"}
	if v := values["scope"]; v != nil {
		s := d.str(values, "scope")
		if _, ok := customScopes[Scope(s)]; ok {
			m.Scope = Scope(s)
		} else if s != "" {
			l.add(f, v, joinKey(path, "scope"), hintOr(model.Suggest(s, scopeNames), "one of "+strings.Join(scopeNames, ", ")), "unknown scope '%s'", s)
		}
	}
	if v := values["attack"]; v != nil {
		for i, t := range m.ATTACK {
			if !techniquePattern.MatchString(t) {
				l.add(f, attackNodes[i], itemPath(path, "attack", v, attackNodes[i]), "write technique ids like T1190 or T1552.001", "'%s' is not an ATT&CK technique id", t)
			}
		}
	}
	if v := values["cwe"]; v != nil {
		for i, id := range m.CWE {
			if catalog.CWEName(id) == "" {
				l.warn(f, cweNodes[i], itemPath(path, "cwe", v, cweNodes[i]), "check the number at https://cwe.mitre.org", "CWE-%d is not in the CWE catalog %s", id, catalog.CWEVersion)
			}
		}
	}
	if v := values["mitigations"]; v != nil {
		ids := catalog.ControlIDs()
		for i, c := range m.Mitigations {
			if _, ok := catalog.LookupControl(c); !ok {
				l.warn(f, mitNodes[i], itemPath(path, "mitigations", v, mitNodes[i]), hintOr(model.Suggest(c, ids), "it must then be declared in the model's controls"), "'%s' is not a catalog control", c)
			}
		}
	}
	var undocumented []string
	for _, key := range []string{"trigger", "why", "mitigation"} {
		if values[key] == nil {
			undocumented = append(undocumented, key)
		}
	}

	var cr celRule
	cr.id, cr.scope, cr.cache = m.ID, m.Scope, l.cache
	if m.Scope != "" && condition != "" {
		cr.cond = l.compile(f, values["condition"], joinKey(path, "condition"), m.Scope, condition, types.BoolType)
	}
	if m.Scope != "" && detail != "" {
		cr.detail = l.compile(f, values["detail"], joinKey(path, "detail"), m.Scope, detail, types.StringType)
	}
	if len(l.problems.Errors()) > before || cr.cond == nil {
		return
	}
	if len(undocumented) > 0 {
		list := strings.Join(undocumented, ", ")
		if i := strings.LastIndex(list, ", "); i >= 0 {
			list = list[:i] + " or " + list[i+2:]
		}
		l.warn(f, n, path, "'rampart explain' and reports show these texts", "rule %s has no %s text", m.ID, list)
	}
	if m.Trigger == "" {
		m.Trigger = "The condition `" + strings.TrimSpace(condition) + "` holds for a " + string(m.Scope) + "."
	}
	r.Check = cr.check
	l.rules = append(l.rules, r)
}

func hintOr(hint, fallback string) string {
	if hint != "" {
		return hint
	}
	return fallback
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
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
	l    *ruleLoader
	f    *ruleFile
	path string
}

func (d fieldDecoder) str(values map[string]*yaml.Node, key string) string {
	n := values[key]
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.l.add(d.f, n, joinKey(d.path, key), "write it as text; quote it if it contains ': ' or starts with a special character", "expected text, found %s", describeNode(n))
		return ""
	}
	if strings.TrimSpace(n.Value) == "" {
		d.l.add(d.f, n, joinKey(d.path, key), "remove the key or give it a value", "'%s' is empty", key)
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
		d.l.add(d.f, n, joinKey(d.path, key), "write a list, e.g. "+key+": [a, b]", "expected a list, found %s", describeNode(n))
		return nil, nil
	}
	out := make([]string, 0, len(n.Content))
	nodes := make([]*yaml.Node, 0, len(n.Content))
	for i, item := range n.Content {
		if item.Kind != yaml.ScalarNode || item.Tag == "!!null" || item.Value == "" {
			d.l.add(d.f, item, joinKey(d.path, key)+"["+strconv.Itoa(i)+"]", "", "expected text, found %s", describeNode(item))
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
		d.l.add(d.f, n, joinKey(d.path, key), "write a list of numbers, e.g. "+key+": [79, 89]", "expected a list, found %s", describeNode(n))
		return nil, nil
	}
	var out []int
	var nodes []*yaml.Node
	for i, item := range n.Content {
		v, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(item.Value, "CWE-"), "CAPEC-"))
		if item.Kind != yaml.ScalarNode || err != nil || v <= 0 {
			d.l.add(d.f, item, joinKey(d.path, key)+"["+strconv.Itoa(i)+"]", "write the number only, e.g. 89 for CWE-89", "expected a positive number, found %s", describeNode(item))
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
		d.l.add(d.f, n, joinKey(d.path, key), "1 is lowest, 5 highest", "expected a whole number from 1 to 5, found %s", describeNode(n))
		return 0
	}
	return v
}

// celEnvs holds one CEL environment per scope; they are immutable once built.
var celEnvs = func() map[Scope]*cel.Env {
	out := map[Scope]*cel.Env{}
	for scope, name := range customScopes {
		env, err := cel.NewEnv(
			cel.Variable(name, cel.MapType(cel.StringType, cel.DynType)),
			cel.Variable("model", cel.MapType(cel.StringType, cel.DynType)),
			ext.Strings(),
			ext.Sets(),
			ext.Lists(),
			cel.OptionalTypes(),
		)
		if err != nil {
			panic(fmt.Sprintf("building the CEL environment for %s rules: %v", scope, err)) // a programming error, caught by any test
		}
		out[scope] = env
	}
	return out
}()

// compile compiles a CEL expression found in node n, reporting errors at
// their position in the file. want is the type the expression must produce.
func (l *ruleLoader) compile(f *ruleFile, n *yaml.Node, path string, scope Scope, expr string, want *types.Type) cel.Program {
	env := celEnvs[scope]
	ast, iss := env.Compile(expr)
	if iss != nil && iss.Err() != nil {
		for _, e := range iss.Errors() {
			p := model.Problem{
				Pos:     f.exprPos(n, e.Location.Line(), e.Location.Column()),
				Path:    path,
				Message: "CEL: " + e.Message,
				Hint:    celHint(scope, e.Message),
			}
			l.problems = append(l.problems, p)
		}
		return nil
	}
	out := ast.OutputType()
	if !out.IsExactType(want) && !out.IsExactType(types.DynType) {
		what, hint := "a boolean (true when the rule fires)", "compare values with ==, !=, <, in, or combine them with && and ||"
		if want == types.StringType {
			what, hint = "a string (the threat's description)", "join text with +; convert numbers with string(...)"
		}
		l.add(f, n, path, hint, "the expression gives %s, expected %s", out, what)
		return nil
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(customCostLimit))
	if err != nil {
		l.add(f, n, path, "", "CEL: %v", err)
		return nil
	}
	return prg
}

var undeclared = regexp.MustCompile(`undeclared reference to '([^']+)'`)

func celHint(scope Scope, msg string) string {
	if m := undeclared.FindStringSubmatch(msg); m != nil {
		vars := []string{customScopes[scope], "model"}
		if s := model.Suggest(m[1], vars); s != "" {
			return s
		}
		return "a " + string(scope) + " rule sees the variables '" + customScopes[scope] + "' and 'model'"
	}
	if strings.Contains(msg, "Syntax error") {
		return "CEL uses && || ! for logic, == for equality and 'quotes' for text"
	}
	return ""
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

// celRule is a compiled custom rule.
type celRule struct {
	id     string
	scope  Scope
	cond   cel.Program
	detail cel.Program
	cache  *celCache
}

// activation gives a condition its two variables without allocating a map.
type activation struct {
	name  string
	value any
	model any
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case a.name:
		return a.value, true
	case "model":
		return a.model, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// check evaluates the rule over every element of its scope.
func (cr *celRule) check(e *Env, emit func(Hit)) {
	d := cr.cache.get(e)
	act := &activation{name: customScopes[cr.scope], model: d.modelMap()}
	var failures int
	var firstErr error
	var firstID string
	eval := func(id string, value ref.Val) {
		act.value = value
		out, _, err := cr.cond.Eval(act)
		if err == nil {
			b, ok := out.(types.Bool)
			if !ok {
				err = fmt.Errorf("condition gave %s, not a boolean", out.Type())
			} else if !b {
				return
			}
		}
		if err != nil {
			if failures == 0 {
				firstErr, firstID = err, id
			}
			failures++
			return
		}
		h := Hit{Targets: []string{id}}
		if cr.detail != nil {
			if out, _, err := cr.detail.Eval(act); err == nil {
				if s, ok := out.(types.String); ok {
					h.Detail = strings.TrimSpace(string(s))
				}
			} else if failures == 0 {
				firstErr, firstID = err, id
				failures++
			}
		}
		emit(h)
	}
	switch cr.scope {
	case ScopeComponent:
		maps := d.components()
		for i, c := range e.Components() {
			eval(c.ID, maps[i])
		}
	case ScopeFlow:
		maps := d.flowMaps()
		for _, f := range e.Flows() {
			eval(f.ID, maps[f])
		}
	case ScopeData:
		maps := d.dataMaps()
		for i := range e.M.Data {
			dt := &e.M.Data[i]
			if e.Ix.Data[dt.ID] == dt {
				eval(dt.ID, maps[dt.ID])
			}
		}
	case ScopeBoundary:
		maps := d.boundaryMaps()
		for i := range e.M.TrustBoundaries {
			b := &e.M.TrustBoundaries[i]
			if e.Ix.Boundaries[b.ID] == b {
				eval(b.ID, maps[b.ID])
			}
		}
	}
	if failures > 0 {
		slog.Warn("custom rule could not be evaluated", "rule", cr.id, "element", firstID, "error", firstErr, "failures", failures)
	}
}

// celCache builds the CEL views of one model's elements once and shares them
// between the custom rules of a load. It keeps the views of the last model
// analysed; another model replaces them.
type celCache struct {
	mu   sync.Mutex
	last *celData
}

func (c *celCache) get(e *Env) *celData {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil || c.last.e != e {
		c.last = &celData{e: e}
	}
	return c.last
}

// view is an element as CEL sees it: a map from YAML key to an already
// converted CEL value, so evaluation converts nothing.
type view = map[string]ref.Val

var adapter = types.DefaultTypeAdapter

// celMap wraps a view as a CEL map value.
func celMap(v view) ref.Val { return types.NewMap(adapter, v) }

// celStrings wraps a list of text as a CEL list value.
func celStrings(s []string) ref.Val {
	if s == nil {
		s = []string{}
	}
	return types.NewStringList(adapter, s)
}

// celData holds the CEL views of a model's elements, each kind built on first use.
type celData struct {
	e *Env

	dataOnce, shallowOnce, flowOnce, compOnce, boundOnce, modelOnce sync.Once

	data    map[string]ref.Val
	shallow map[string]view
	flows   map[*model.Flow]ref.Val
	comps   []ref.Val
	bounds  map[string]ref.Val
	model   ref.Val
}

// dataMaps returns the view of every data asset by id: its fields plus
// level, cia_scores, stored_by, processed_by and carried_by.
func (d *celData) dataMaps() map[string]ref.Val {
	d.dataOnce.Do(func() {
		e := d.e
		storedBy, processedBy, carriedBy := map[string][]string{}, map[string][]string{}, map[string][]string{}
		for i := range e.M.Components {
			c := &e.M.Components[i]
			for _, id := range c.Stores {
				storedBy[id] = append(storedBy[id], c.ID)
			}
			for _, id := range c.Processes {
				processedBy[id] = append(processedBy[id], c.ID)
			}
		}
		for i := range e.M.Flows {
			f := &e.M.Flows[i]
			for _, list := range [][]string{f.DataSent, f.DataReceived} {
				for _, id := range list {
					if l := carriedBy[id]; len(l) == 0 || l[len(l)-1] != f.ID {
						carriedBy[id] = append(l, f.ID)
					}
				}
			}
		}
		d.data = make(map[string]ref.Val, len(e.Ix.Data))
		for id, a := range e.Ix.Data {
			m := fieldsOf(reflect.ValueOf(a).Elem())
			m["level"] = types.Int(a.Classification.Level())
			m["cia_scores"] = celMap(view{
				"confidentiality": types.Int(a.CIA.Confidentiality.Score()),
				"integrity":       types.Int(a.CIA.Integrity.Score()),
				"availability":    types.Int(a.CIA.Availability.Score()),
			})
			m["stored_by"] = celStrings(storedBy[id])
			m["processed_by"] = celStrings(processedBy[id])
			m["carried_by"] = celStrings(carriedBy[id])
			d.data[id] = celMap(m)
		}
	})
	return d.data
}

// addAssets sets data, max_classification and personal for the data an element handles.
func (d *celData) addAssets(m view, id string) {
	data := d.dataMaps()
	ids := d.e.DataAtStake(id)
	list := make([]ref.Val, 0, len(ids))
	maxLevel, personal := 0, false
	for _, a := range ids {
		list = append(list, data[a])
		asset := d.e.Ix.Data[a]
		maxLevel = max(maxLevel, asset.Classification.Level())
		personal = personal || asset.Personal
	}
	m["data"] = types.NewRefValList(adapter, list)
	m["max_classification"] = types.Int(maxLevel)
	m["personal"] = types.Bool(personal)
}

// shallowComponents returns every component's view without its flows, by id:
// its fields plus kind, boundary, boundaries, data, max_classification,
// personal, untrusted and implemented_controls.
func (d *celData) shallowComponents() map[string]view {
	d.shallowOnce.Do(func() {
		e := d.e
		d.shallow = make(map[string]view, len(e.Ix.Components))
		for id, c := range e.Ix.Components {
			m := fieldsOf(reflect.ValueOf(c).Elem())
			m["kind"] = types.String(c.Type.Kind())
			m["boundary"] = types.String(e.Ix.Parent[id])
			m["boundaries"] = celStrings(e.Ix.BoundaryChain(id))
			d.addAssets(m, id)
			m["untrusted"] = types.Bool(e.Untrusted(c))
			m["implemented_controls"] = celStrings(d.implemented(id))
			d.shallow[id] = m
		}
	})
	return d.shallow
}

// implemented returns the catalog ids of the implemented controls on an element.
func (d *celData) implemented(id string) []string {
	out := []string{}
	for _, c := range d.e.listed(id) {
		if cid, ok := d.e.resolve(c); ok && !contains(out, cid) {
			out = append(out, cid)
		}
	}
	sort.Strings(out)
	return out
}

// flowMaps returns every flow's view: its fields plus source and target
// (component views without flows), crosses_boundary, crosses_network,
// encrypted, effective_encryption, authenticated, data, max_classification,
// personal and implemented_controls.
func (d *celData) flowMaps() map[*model.Flow]ref.Val {
	d.flowOnce.Do(func() {
		e := d.e
		comps := d.shallowComponents()
		wrapped := make(map[string]ref.Val, len(comps))
		endpoint := func(id string) ref.Val {
			if v, ok := wrapped[id]; ok {
				return v
			}
			m := comps[id]
			if m == nil {
				m = view{"id": types.String(id)}
			}
			v := celMap(m)
			wrapped[id] = v
			return v
		}
		d.flows = make(map[*model.Flow]ref.Val, len(e.M.Flows))
		for i := range e.M.Flows {
			f := &e.M.Flows[i]
			m := fieldsOf(reflect.ValueOf(f).Elem())
			m["source"] = endpoint(f.From)
			m["target"] = endpoint(f.To)
			m["crosses_boundary"] = types.Bool(e.Crosses(f))
			m["crosses_network"] = types.Bool(e.CrossesNetwork(f))
			m["encrypted"] = types.Bool(e.Encrypted(f))
			m["effective_encryption"] = types.String(f.EffectiveEncryption())
			m["authenticated"] = types.Bool(e.Authenticated(f))
			d.addAssets(m, f.ID)
			m["implemented_controls"] = celStrings(d.implemented(f.ID))
			d.flows[f] = celMap(m)
		}
	})
	return d.flows
}

// components returns the full views of the in-scope components, in model
// order: the shallow view plus incoming and outgoing flow views.
func (d *celData) components() []ref.Val {
	d.compOnce.Do(func() {
		e := d.e
		shallow, flows := d.shallowComponents(), d.flowMaps()
		list := func(fs []*model.Flow) ref.Val {
			out := make([]ref.Val, len(fs))
			for i, f := range fs {
				out[i] = flows[f]
			}
			return types.NewRefValList(adapter, out)
		}
		d.comps = make([]ref.Val, len(e.Components()))
		for i, c := range e.Components() {
			base := shallow[c.ID]
			m := make(view, len(base)+2)
			for k, v := range base {
				m[k] = v
			}
			m["incoming"] = list(e.Incoming(c.ID))
			m["outgoing"] = list(e.Outgoing(c.ID))
			d.comps[i] = celMap(m)
		}
	})
	return d.comps
}

// boundaryMaps returns every trust boundary's view by id: its fields plus
// parent, boundaries, network, components (directly inside) and nested
// (boundaries directly inside).
func (d *celData) boundaryMaps() map[string]ref.Val {
	d.boundOnce.Do(func() {
		e := d.e
		comps, nested := map[string][]string{}, map[string][]string{}
		for i := range e.M.Components {
			c := &e.M.Components[i]
			if p := e.Ix.Parent[c.ID]; p != "" {
				comps[p] = append(comps[p], c.ID)
			}
		}
		for i := range e.M.TrustBoundaries {
			b := &e.M.TrustBoundaries[i]
			if p := e.Ix.Parent[b.ID]; p != "" {
				nested[p] = append(nested[p], b.ID)
			}
		}
		d.bounds = make(map[string]ref.Val, len(e.Ix.Boundaries))
		for id, b := range e.Ix.Boundaries {
			m := fieldsOf(reflect.ValueOf(b).Elem())
			m["parent"] = types.String(e.Ix.Parent[id])
			m["boundaries"] = celStrings(e.Ix.BoundaryChain(id))
			m["network"] = types.Bool(b.Type.Network())
			m["components"] = celStrings(comps[id])
			m["nested"] = celStrings(nested[id])
			d.bounds[id] = celMap(m)
		}
	})
	return d.bounds
}

// modelMap returns the view of the model as a whole: system (its fields),
// counts, and controls (the declared controls).
func (d *celData) modelMap() ref.Val {
	d.modelOnce.Do(func() {
		m := d.e.M
		controls := make([]ref.Val, len(m.Controls))
		for i := range m.Controls {
			controls[i] = celMap(fieldsOf(reflect.ValueOf(&m.Controls[i]).Elem()))
		}
		d.model = celMap(view{
			"system": celMap(fieldsOf(reflect.ValueOf(&m.System).Elem())),
			"counts": celMap(view{
				"components": types.Int(len(m.Components)),
				"flows":      types.Int(len(m.Flows)),
				"data":       types.Int(len(m.Data)),
				"boundaries": types.Int(len(m.TrustBoundaries)),
				"controls":   types.Int(len(m.Controls)),
				"threats":    types.Int(len(m.Threats)),
			}),
			"controls": types.NewRefValList(adapter, controls),
		})
	})
	return d.model
}

// yamlFields caches, per struct type, the exported fields with a YAML key.
var yamlFields sync.Map // reflect.Type -> []yamlField

type yamlField struct {
	key   string
	index int
}

func fieldsFor(t reflect.Type) []yamlField {
	if v, ok := yamlFields.Load(t); ok {
		return v.([]yamlField)
	}
	var out []yamlField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if !sf.IsExported() || key == "" || key == "-" {
			continue
		}
		out = append(out, yamlField{key: key, index: i})
	}
	yamlFields.Store(t, out)
	return out
}

var dateType = reflect.TypeOf(model.Date{})

// fieldsOf returns a struct's fields by YAML key as CEL values: text, bool,
// int, lists and nested maps. Unset fields are present with their zero
// value, so conditions never fail on a missing key.
func fieldsOf(v reflect.Value) view {
	fields := fieldsFor(v.Type())
	m := make(view, len(fields)+12)
	for _, f := range fields {
		m[f.key] = celValue(v.Field(f.index))
	}
	return m
}

func celValue(v reflect.Value) ref.Val {
	if v.Type() == dateType {
		d := v.Interface().(model.Date)
		if d.IsZero() {
			return types.String("")
		}
		return types.String(d.String())
	}
	switch v.Kind() {
	case reflect.String:
		return types.String(v.String())
	case reflect.Bool:
		return types.Bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return types.Int(v.Int())
	case reflect.Pointer:
		if v.IsNil() {
			return types.NullValue
		}
		return celValue(v.Elem())
	case reflect.Struct:
		return celMap(fieldsOf(v))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String {
			out := make([]string, v.Len())
			for i := range out {
				out[i] = v.Index(i).String()
			}
			return celStrings(out)
		}
		out := make([]ref.Val, v.Len())
		for i := range out {
			out[i] = celValue(v.Index(i))
		}
		return types.NewRefValList(adapter, out)
	case reflect.Map:
		out := make(view, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			out[fmt.Sprint(iter.Key().Interface())] = celValue(iter.Value())
		}
		return celMap(out)
	}
	return types.NullValue
}
