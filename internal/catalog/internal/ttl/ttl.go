// Package ttl reads the subset of RDF Turtle that MITRE's D3FEND ontology is
// written in: prefix directives, prefixed names, IRIs, literals, predicate
// and object lists, blank-node property lists and collections. It returns
// the triples; prefixes are not expanded (names keep their prefix).
package ttl

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Triple is one RDF statement. Blank nodes are named "_:bN"; literals are
// their lexical value with Literal set.
type Triple struct {
	Subject, Predicate, Object string
	Literal                    bool
}

type token struct {
	kind byte // 'n' name or IRI, 's' string, or the punctuation character
	text string
	off  int
}

// Parse reads a Turtle document and returns its triples in document order.
func Parse(ctx context.Context, data []byte) ([]Triple, error) {
	toks, err := lex(data)
	if err != nil {
		return nil, err
	}
	p := &parser{data: data, toks: toks}
	for p.i < len(p.toks) {
		if p.i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if t := p.toks[p.i]; t.kind == 'n' && (t.text == "@prefix" || t.text == "@base") {
			for p.i < len(p.toks) && p.toks[p.i].kind != '.' {
				p.i++
			}
			p.i++
			continue
		}
		subj, err := p.subject()
		if err != nil {
			return nil, err
		}
		if !(subj[:2] == "_:" && p.peek('.')) {
			if err := p.predicateObjects(subj, '.'); err != nil {
				return nil, err
			}
		}
		if err := p.expect('.'); err != nil {
			return nil, err
		}
	}
	return p.out, nil
}

type parser struct {
	data  []byte
	toks  []token
	i     int
	blank int
	out   []Triple
}

func (p *parser) errorf(format string, args ...any) error {
	off := len(p.data)
	if p.i < len(p.toks) {
		off = p.toks[p.i].off
	}
	line, col := lineCol(p.data, off)
	return fmt.Errorf("%d:%d: %s", line, col, fmt.Sprintf(format, args...))
}

func (p *parser) peek(kind byte) bool { return p.i < len(p.toks) && p.toks[p.i].kind == kind }

func (p *parser) expect(kind byte) error {
	if !p.peek(kind) {
		return p.errorf("expected %q", kind)
	}
	p.i++
	return nil
}

func (p *parser) newBlank() string {
	p.blank++
	return "_:b" + strconv.Itoa(p.blank)
}

func (p *parser) subject() (string, error) {
	switch {
	case p.peek('n'):
		p.i++
		return p.toks[p.i-1].text, nil
	case p.peek('['):
		p.i++
		b := p.newBlank()
		if p.peek(']') {
			p.i++
			return b, nil
		}
		if err := p.predicateObjects(b, ']'); err != nil {
			return "", err
		}
		return b, p.expect(']')
	}
	return "", p.errorf("expected a subject")
}

// predicateObjects reads "verb objects (; verb objects)*" up to end.
func (p *parser) predicateObjects(subj string, end byte) error {
	for {
		if !p.peek('n') {
			return p.errorf("expected a predicate")
		}
		verb := p.toks[p.i].text
		p.i++
		if verb == "a" {
			verb = "rdf:type"
		}
		for {
			obj, lit, err := p.object()
			if err != nil {
				return err
			}
			p.out = append(p.out, Triple{subj, verb, obj, lit})
			if !p.peek(',') {
				break
			}
			p.i++
		}
		if !p.peek(';') {
			return nil
		}
		for p.peek(';') {
			p.i++
		}
		if p.peek(end) {
			return nil
		}
	}
}

func (p *parser) object() (string, bool, error) {
	switch {
	case p.peek('s'):
		p.i++
		return p.toks[p.i-1].text, true, nil
	case p.peek('('):
		p.i++
		head := p.newBlank()
		for !p.peek(')') {
			if p.i >= len(p.toks) {
				return "", false, p.errorf("unclosed collection")
			}
			obj, lit, err := p.object()
			if err != nil {
				return "", false, err
			}
			p.out = append(p.out, Triple{head, "rdf:member", obj, lit})
		}
		p.i++
		return head, false, nil
	}
	s, err := p.subject()
	return s, false, err
}

func lex(data []byte) ([]token, error) {
	var toks []token
	s := string(data)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.IndexByte("[](),;", c) >= 0:
			toks = append(toks, token{c, "", i})
			i++
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return nil, lexError(data, i, "unclosed IRI")
			}
			toks = append(toks, token{'n', s[i : i+j+1], i})
			i += j + 1
		case c == '"' || c == '\'':
			text, n, err := lexString(s[i:])
			if err != nil {
				return nil, lexError(data, i, err.Error())
			}
			i += n
			// A language tag or datatype belongs to the literal.
			if i < len(s) && s[i] == '@' {
				for i < len(s) && !isSpaceOrPunct(s[i]) {
					i++
				}
			} else if strings.HasPrefix(s[i:], "^^") {
				i += 2
				for i < len(s) && !isSpaceOrPunct(s[i]) {
					i++
				}
			}
			toks = append(toks, token{'s', text, i})
		default:
			j := i
			for j < len(s) && !isSpaceOrPunct(s[j]) {
				j++
			}
			word := s[i:j]
			if word == "." || word == "" {
				toks = append(toks, token{'.', "", i})
				i++
				continue
			}
			dot := strings.HasSuffix(word, ".")
			word = strings.TrimSuffix(word, ".")
			toks = append(toks, token{'n', word, i})
			if dot {
				toks = append(toks, token{'.', "", j - 1})
			}
			i = j
		}
	}
	return toks, nil
}

func isSpaceOrPunct(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || strings.IndexByte("[](),;\"<", c) >= 0
}

// lexString reads a short or long quoted string at the start of s and
// returns its unescaped value and length.
func lexString(s string) (string, int, error) {
	q := s[:1]
	long := strings.HasPrefix(s, q+q+q)
	start := 1
	if long {
		start = 3
	}
	var b strings.Builder
	for i := start; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
		case long && strings.HasPrefix(s[i:], q+q+q):
			return b.String(), i + 3, nil
		case !long && c == q[0]:
			return b.String(), i + 1, nil
		case !long && c == '\n':
			return "", 0, fmt.Errorf("newline in a short string")
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unclosed string")
}

func lexError(data []byte, off int, msg string) error {
	line, col := lineCol(data, off)
	return fmt.Errorf("%d:%d: %s", line, col, msg)
}

func lineCol(data []byte, off int) (line, col int) {
	line, col = 1, 1
	for _, c := range data[:min(off, len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
