package sigma

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Expr is a parsed condition expression.
type Expr interface{ expr() }

// The expression nodes.
type (
	// AndExpr holds when every operand holds.
	AndExpr struct{ Operands []Expr }
	// OrExpr holds when any operand holds.
	OrExpr struct{ Operands []Expr }
	// NotExpr negates its operand.
	NotExpr struct{ Operand Expr }
	// RefExpr names one search.
	RefExpr struct {
		Name string
		Pos  model.Pos
	}
	// OfExpr is "1 of PATTERN", "all of PATTERN", "1 of them", "all of them".
	OfExpr struct {
		All     bool
		Pattern string // "them" for every search not starting with "_"
		Pos     model.Pos
	}
)

func (AndExpr) expr() {}
func (OrExpr) expr()  {}
func (NotExpr) expr() {}
func (RefExpr) expr() {}
func (OfExpr) expr()  {}

// MaxConditionLength bounds a condition's text.
const MaxConditionLength = 4096

// maxConditionDepth bounds nesting of parentheses and "not".
const maxConditionDepth = 64

type token struct {
	text string
	off  int
}

type condParser struct {
	c      Condition
	toks   []token
	i      int
	depth  int
	err    *Problem
	search map[string]*Search
}

// ParseCondition parses one condition against the rule's searches: every
// identifier must name a search and every pattern must match one.
func ParseCondition(c Condition, searches map[string]*Search) (Expr, *Problem) {
	p := &condParser{c: c, search: searches}
	if len(c.Text) > MaxConditionLength {
		return nil, p.fail(0, "shorten the condition or split the rule", "condition is %d characters, more than the limit of %d", len(c.Text), MaxConditionLength)
	}
	text := c.Text
	if i := pipeIndex(text); i >= 0 {
		return nil, p.aggregation(i)
	}
	if err := p.tokenize(text); err != nil {
		return nil, err
	}
	if len(p.toks) == 0 {
		return nil, p.fail(0, "e.g. 'selection and not filter'", "empty condition")
	}
	e := p.or()
	if p.err != nil {
		return nil, p.err
	}
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		return nil, p.fail(t.off, "join expressions with 'and' or 'or'", "unexpected %q", t.text)
	}
	return e, nil
}

// pipeIndex finds the "|" that starts a Sigma 1 aggregation.
func pipeIndex(s string) int { return strings.IndexByte(s, '|') }

var aggRE = regexp.MustCompile(`^\s*count\(\s*([\w.@-]*)\s*\)\s*(?:by\s+([\w.@,\s-]+?))?\s*(>=|<=|>|<|==|=|!=)\s*(\d+)\s*$`)

// aggregation rejects the Sigma 1 "| count() ..." and "| near ..." syntax,
// naming the correlation rule that says the same in Sigma 2.
func (p *condParser) aggregation(i int) *Problem {
	rest := strings.TrimSpace(p.c.Text[i+1:])
	ops := map[string]string{">": "gt", ">=": "gte", "<": "lt", "<=": "lte", "=": "eq", "==": "eq", "!=": "neq"}
	var hint string
	switch {
	case strings.HasPrefix(strings.ToLower(rest), "near"):
		hint = "write a correlation rule with 'type: temporal' (or temporal_ordered), 'rules:' naming a rule for each side of 'near', 'group-by:' and 'timespan:' set to the old timeframe"
	case aggRE.MatchString(rest):
		m := aggRE.FindStringSubmatch(rest)
		typ, cond := "event_count", fmt.Sprintf("{%s: %s}", ops[m[3]], m[4])
		if m[1] != "" {
			typ, cond = "value_count", fmt.Sprintf("{field: %s, %s: %s}", m[1], ops[m[3]], m[4])
		}
		group := ""
		if g := strings.TrimSpace(m[2]); g != "" {
			group = fmt.Sprintf(", 'group-by: [%s]'", g)
		}
		hint = fmt.Sprintf("write a correlation rule with 'type: %s', 'rules:' naming this rule%s, 'timespan:' set to the old timeframe and 'condition: %s'", typ, group, cond)
	default:
		hint = "write a correlation rule (event_count, value_count, value_sum, value_avg, value_percentile, temporal) that refers to this rule"
	}
	q := p.fail(i, hint, "the aggregation %q is Sigma 1 syntax, replaced by correlation rules in Sigma 2", "| "+rest)
	q.Code = CodeUnsupported
	return q
}

func (p *condParser) fail(off int, hint, format string, args ...any) *Problem {
	pos := p.c.Pos
	if pos.Line > 0 {
		pos.Column += off
	}
	q := &Problem{Pos: pos, Path: p.c.Path, Message: fmt.Sprintf(format, args...), Hint: hint, Code: CodeCondition}
	if p.err == nil {
		p.err = q
	}
	return q
}

func (p *condParser) tokenize(s string) *Problem {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			p.toks = append(p.toks, token{text: s[i : i+1], off: i})
			i++
		case isIdentByte(c):
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			p.toks = append(p.toks, token{text: s[i:j], off: i})
			i = j
		default:
			return p.fail(i, "identifiers are letters, digits, '_', '-', '.' and '*'", "unexpected character %q", c)
		}
	}
	return nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '*' || c == '-' || c == '.' || c == '?' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return strings.ToLower(p.toks[p.i].text)
	}
	return ""
}

func (p *condParser) offset() int {
	if p.i < len(p.toks) {
		return p.toks[p.i].off
	}
	return len(p.c.Text)
}

func (p *condParser) or() Expr {
	first := p.and()
	ops := []Expr{first}
	for p.err == nil && p.peek() == "or" {
		p.i++
		ops = append(ops, p.and())
	}
	if len(ops) == 1 {
		return first
	}
	return OrExpr{Operands: ops}
}

func (p *condParser) and() Expr {
	first := p.unary()
	ops := []Expr{first}
	for p.err == nil && p.peek() == "and" {
		p.i++
		ops = append(ops, p.unary())
	}
	if len(ops) == 1 {
		return first
	}
	return AndExpr{Operands: ops}
}

func (p *condParser) unary() Expr {
	if p.err != nil {
		return nil
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxConditionDepth {
		p.fail(p.offset(), "simplify the condition", "condition nested more than %d levels", maxConditionDepth)
		return nil
	}
	switch t := p.peek(); t {
	case "":
		p.fail(p.offset(), "complete the expression", "condition ends where a search name, 'not', '(' or '1 of' was expected")
		return nil
	case "not":
		p.i++
		return NotExpr{Operand: p.unary()}
	case "(":
		open := p.offset()
		p.i++
		e := p.or()
		if p.err != nil {
			return nil
		}
		if p.peek() != ")" {
			p.fail(open, "close it with ')'", "unbalanced '('")
			return nil
		}
		p.i++
		return e
	case ")", "and", "or":
		p.fail(p.offset(), "put a search name before it", "unexpected %q", p.toks[p.i].text)
		return nil
	case "1", "all", "any":
		if p.i+1 < len(p.toks) && strings.EqualFold(p.toks[p.i+1].text, "of") {
			if t == "any" {
				p.fail(p.offset(), "write '1 of'", "'any of' is not Sigma")
				return nil
			}
			off := p.offset()
			p.i += 2
			if p.i >= len(p.toks) {
				p.fail(len(p.c.Text), "e.g. '1 of selection*' or 'all of them'", "'%s of' needs a pattern or 'them'", t)
				return nil
			}
			pat := p.toks[p.i].text
			if pat == "(" || pat == ")" {
				p.fail(p.toks[p.i].off, "e.g. '1 of selection*' or 'all of them'", "'%s of' needs a pattern or 'them'", t)
				return nil
			}
			p.i++
			pos := p.posAt(off)
			if strings.ToLower(pat) == "them" {
				pat = "them"
			} else if len(p.matching(pat)) == 0 {
				p.fail(p.toks[p.i-1].off, p.suggest(pat), "pattern %q matches no search", pat)
				return nil
			}
			return OfExpr{All: t == "all", Pattern: pat, Pos: pos}
		}
	}
	tok := p.toks[p.i]
	if strings.ContainsAny(tok.text, "*?") {
		p.fail(tok.off, "patterns go after '1 of' or 'all of'", "wildcard %q outside '1 of' / 'all of'", tok.text)
		return nil
	}
	if t := strings.ToLower(tok.text); t == "of" || t == "them" {
		p.fail(tok.off, "write '1 of ...' or 'all of ...'", "unexpected %q", tok.text)
		return nil
	}
	if _, ok := p.search[tok.text]; !ok {
		p.fail(tok.off, p.suggest(tok.text), "condition names %q, which is not a search of this rule", tok.text)
		return nil
	}
	p.i++
	return RefExpr{Name: tok.text, Pos: p.posAt(tok.off)}
}

func (p *condParser) posAt(off int) model.Pos {
	pos := p.c.Pos
	if pos.Line > 0 {
		pos.Column += off
	}
	return pos
}

func (p *condParser) suggest(name string) string {
	names := make([]string, 0, len(p.search))
	for n := range p.search {
		names = append(names, n)
	}
	if h := model.Suggest(strings.Trim(name, "*?"), names); h != "" {
		return h
	}
	if len(names) == 0 {
		return "the rule has no searches"
	}
	return "searches: " + strings.Join(sortedStrings(names), ", ")
}

// matching returns the searches a pattern selects, sorted by name.
func (p *condParser) matching(pat string) []string { return matchSearches(pat, p.search) }

func matchSearches(pat string, searches map[string]*Search) []string {
	var out []string
	for name := range searches {
		if pat == "them" {
			if !strings.HasPrefix(name, "_") {
				out = append(out, name)
			}
			continue
		}
		if ok, _ := path.Match(pat, name); ok {
			out = append(out, name)
		}
	}
	return sortedStrings(out)
}
