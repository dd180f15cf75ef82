package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultMaxExpansion is how many nodes aliases may add to a document by
// default: anchors and aliases may repeat content, but not multiply it.
const DefaultMaxExpansion = 100_000

// Limits bound what the parsers accept.
type Limits struct {
	// MaxExpansion is how many nodes aliases (and merge keys, which name
	// aliases) may add to the tree as written (default DefaultMaxExpansion).
	MaxExpansion int
}

func (l Limits) maxExpansion() int {
	if l.MaxExpansion <= 0 {
		return DefaultMaxExpansion
	}
	return l.MaxExpansion
}

// Doc is a parsed document with the problems found while reading it.
type Doc struct {
	// File names the document in problems.
	File string
	// Root is the document's top node (nil when it could not be parsed).
	Root *yaml.Node
	// JSON reports whether the document was read as JSON.
	JSON bool
	// Problems collects errors and warnings in order of discovery.
	Problems Problems
}

// Parse reads data as JSON when it looks like JSON (see LooksJSON), and as
// YAML otherwise.
func Parse(name string, data []byte, lim Limits) *Doc {
	if LooksJSON(data) {
		return ParseJSON(name, data, lim)
	}
	return ParseYAML(name, data, lim)
}

// LooksJSON reports whether data starts, after blanks and a byte-order mark, with '{' or '['.
func LooksJSON(data []byte) bool {
	data = bytes.TrimPrefix(data, bom)
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && (data[0] == '{' || data[0] == '[')
}

var bom = []byte("\xef\xbb\xbf")

// ParseYAML parses one YAML document. Large plainly laid out files are
// parsed in parallel (see parallel.go), with the same result as in one go.
// It refuses, with a positioned problem, bytes YAML does not allow (invalid
// UTF-8, NUL and other control characters), an empty file or one of
// comments only, a second document, and a tree whose aliases expand past
// lim.MaxExpansion nodes; Root is nil then.
func ParseYAML(name string, data []byte, lim Limits) *Doc {
	d := &Doc{File: name}
	if len(bytes.TrimSpace(data)) == 0 {
		d.Problems = append(d.Problems, Errorf(Pos{File: name, Line: 1, Column: 1}, CodeEmpty, "", "", "file is empty"))
		return d
	}
	if p, bad := checkBytes(name, data, true); bad {
		d.Problems = append(d.Problems, p)
		return d
	}
	var doc yaml.Node
	// Unmarshal parses the bytes in place; a decoder over a reader copies
	// them. The decoder runs only when the file may hold a second document.
	if !mayHoldSecondDocument(data) {
		if root, ok := parseLarge(data); ok {
			doc = yaml.Node{Kind: yaml.DocumentNode, Line: 1, Column: 1, Content: []*yaml.Node{root}}
		} else if err := yaml.Unmarshal(data, &doc); err != nil {
			d.Problems = append(d.Problems, SyntaxProblem(name, data, err))
			return d
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				d.Problems = append(d.Problems, Errorf(Pos{File: name, Line: 1, Column: 1}, CodeEmpty, "", "", "file holds only comments"))
				return d
			}
			d.Problems = append(d.Problems, SyntaxProblem(name, data, err))
			return d
		}
		var extra yaml.Node
		if err := dec.Decode(&extra); err == nil {
			d.Problems = append(d.Problems, Errorf(Pos{File: name, Line: extra.Line, Column: extra.Column}, CodeDocuments, "",
				"a file holds one document", "a second YAML document in the file"))
		} else if !errors.Is(err, io.EOF) {
			d.Problems = append(d.Problems, SyntaxProblem(name, data, err))
			return d
		}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		d.Problems = append(d.Problems, Errorf(Pos{File: name, Line: 1, Column: 1}, CodeEmpty, "", "", "file holds only comments"))
		return d
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		d.Problems = append(d.Problems, Errorf(Pos{File: name, Line: 1, Column: 1}, CodeEmpty, "", "", "file is empty"))
		return d
	}
	// Aliases are written with '*': a file without one cannot expand.
	if bytes.IndexByte(data, '*') >= 0 {
		if p, bad := expansionProblem(name, root, lim.maxExpansion()); bad {
			d.Problems = append(d.Problems, p)
			return d
		}
	}
	d.Root = root
	return d
}

// expansionProblem refuses root when its aliases add more than max nodes.
func expansionProblem(name string, root *yaml.Node, max int) (Problem, bool) {
	e := checkExpansion(root, max)
	if e == nil {
		return Problem{}, false
	}
	p := Errorf(Pos{File: name, Line: e.at.Line, Column: e.at.Column}, CodeExpansion, "",
		"anchors and aliases may repeat content, but not multiply it; write the content out or split the file",
		"the document expands past %d nodes through aliases", max)
	if e.self {
		p.Message = fmt.Sprintf("alias '*%s' refers to its own anchor, so it would expand forever", e.at.Value)
		p.Hint = "an alias may only repeat a node declared before it and outside it"
	}
	return p, true
}

// ParseYAMLDocuments parses a stream of YAML documents separated by "---"
// (custom rule files, say) with the checks of ParseYAML: bytes YAML does
// not allow, syntax errors in its one message style, and aliases that
// expand past lim.MaxExpansion nodes in each document. It returns the top
// node of every document read before the first problem, leaving out those
// that hold nothing (comments only, or null); such a stream gives no nodes
// and no problem.
func ParseYAMLDocuments(name string, data []byte, lim Limits) ([]*yaml.Node, Problems) {
	if p, bad := checkBytes(name, data, true); bad {
		return nil, Problems{p}
	}
	var roots []*yaml.Node
	aliases := bytes.IndexByte(data, '*') >= 0 // a stream without '*' cannot expand
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return roots, nil
		}
		if err != nil {
			return roots, Problems{SyntaxProblem(name, data, err)}
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null" {
			continue // a document of comments only, or null
		}
		root := doc.Content[0]
		if aliases {
			if p, bad := expansionProblem(name, root, lim.maxExpansion()); bad {
				return roots, Problems{p}
			}
		}
		roots = append(roots, root)
	}
}

// mayHoldSecondDocument reports whether data has a document marker ("---"
// or "...") at the start of a line after its first line.
func mayHoldSecondDocument(data []byte) bool {
	for i := bytes.IndexByte(data, '\n'); i >= 0 && i+1 < len(data); {
		rest := data[i+1:]
		if bytes.HasPrefix(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("...")) {
			return true
		}
		j := bytes.IndexByte(rest, '\n')
		if j < 0 {
			return false
		}
		i += j + 1
	}
	return false
}

// expansion measures how large a node tree becomes once its aliases are
// expanded, without expanding them: each anchored node's size is computed
// once, so an alias bomb costs time linear in the file, not in its expansion.
type expansion struct {
	limit   int // the expanded size past which the tree is refused
	memo    map[*yaml.Node]int
	open    map[*yaml.Node]bool // anchored nodes being measured, to catch an alias inside its own anchor
	at      *yaml.Node          // where the size first passed limit
	self    bool                // at is an alias inside its own anchor
	visited int                 // nodes visited, for tests: bounded by the file's node count
}

// checkExpansion measures root's expansion: it returns nil when its aliases
// add at most max nodes to the literal tree, else where the limit was passed.
func checkExpansion(root *yaml.Node, max int) *expansion {
	e := newExpansion(root, max)
	if e.size(root) > e.limit {
		if e.at == nil {
			e.at = root
		}
		return e
	}
	return nil
}

func newExpansion(root *yaml.Node, max int) *expansion {
	return &expansion{memo: map[*yaml.Node]int{}, open: map[*yaml.Node]bool{}, limit: literalSize(root) + max}
}

// literalSize counts the nodes of the tree as written, aliases as one node.
func literalSize(n *yaml.Node) int {
	total := 1
	for _, c := range n.Content {
		total += literalSize(c)
	}
	return total
}

// size returns the expanded size of n, capped at limit+1.
func (e *expansion) size(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1
		}
		if e.open[n.Alias] {
			if e.at == nil {
				e.at, e.self = n, true
			}
			return e.limit + 1
		}
		s := e.size(n.Alias)
		if s > e.limit && e.at == nil {
			e.at = n
		}
		return s
	}
	if s, ok := e.memo[n]; ok {
		return s
	}
	e.visited++
	if n.Anchor != "" {
		e.open[n] = true
		defer delete(e.open, n)
	}
	total := 1
	for _, c := range n.Content {
		total += e.size(c)
		if total > e.limit {
			if e.at == nil {
				e.at = c
			}
			total = e.limit + 1
			break
		}
	}
	if n.Anchor != "" {
		e.memo[n] = total
	}
	return total
}

var (
	yamlLineRE      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// SyntaxProblem turns a YAML parser error on data (from file name) into a
// problem with a hint. The parser names a line only, and for some errors the
// line where the enclosing construct started, so the position is refined
// from the text where the error says what to look for (a tab, an unclosed
// bracket, an unknown alias).
func SyntaxProblem(name string, data []byte, err error) Problem {
	msg := err.Error()
	p := Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Code: CodeSyntax, Message: "YAML syntax error: " + strings.TrimPrefix(msg, "yaml: ")}
	if m := unknownAnchorRE.FindStringSubmatch(msg); m != nil {
		p.Message = fmt.Sprintf("YAML syntax error: alias '*%s' refers to no anchor", m[1])
		p.Hint = fmt.Sprintf("declare '&%s' on a node before the alias", m[1])
		if line, col := find(data, 1, "*"+m[1]); line > 0 {
			p.Pos.Line, p.Pos.Column = line, col
		}
		return p
	}
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return p
	}
	line, _ := strconv.Atoi(m[1])
	line = max(line, 1)
	what := m[2]
	p.Pos.Line = line
	p.Message = "YAML syntax error: " + what
	text := lineOf(data, line)
	p.Pos.Column = len(text) - len(strings.TrimLeft(text, " \t")) + 1
	switch {
	case strings.Contains(what, "tab") || strings.Contains(what, "cannot start any token") && tabIndent(data, line) > 0:
		if l := tabIndent(data, line); l > 0 {
			t := lineOf(data, l)
			p.Pos.Line, p.Pos.Column = l, strings.IndexByte(t, '\t')+1
		}
		p.Message = "YAML syntax error: a tab in the indentation"
		p.Hint = "YAML indentation must use spaces, not tabs"
	case strings.HasPrefix(what, "did not find expected ',' or '}'"), strings.HasPrefix(what, "did not find expected ',' or ']'"):
		open := "{"
		if strings.HasSuffix(what, "']'") {
			open = "["
		}
		// The parser names the line before the one that opened the
		// unclosed bracket (or that line itself).
		if l, c := find(data, line, open); l > 0 && l <= line+1 {
			p.Pos.Line, p.Pos.Column = l, c
		}
		p.Message = fmt.Sprintf("YAML syntax error: '%s' is not closed: %s", open, what)
		p.Hint = "close the bracket on the same item, or write the content in block style"
	case strings.Contains(what, "mapping values are not allowed"):
		p.Hint = "quote values that contain ': ', or check the indentation"
	case strings.Contains(what, "did not find expected key"), strings.Contains(what, "could not find expected ':'"),
		strings.Contains(what, "did not find expected '-' indicator"):
		p.Hint = "check the indentation and that every key ends with ':'"
	case strings.Contains(what, "found unexpected end of stream"):
		p.Hint = "a quoted string or bracket is not closed"
	case strings.Contains(what, "did not find expected node content"):
		p.Hint = "a value is missing, or starts with a character YAML reserves (quote it)"
	}
	return p
}

// tabIndent returns the first line from line-1 on whose indentation holds a
// tab, or 0.
func tabIndent(data []byte, line int) int {
	for l := max(line-1, 1); l <= line+1; l++ {
		t := lineOf(data, l)
		if ws := t[:len(t)-len(strings.TrimLeft(t, " \t"))]; strings.Contains(ws, "\t") {
			return l
		}
	}
	return 0
}

// find returns the line and column of the first occurrence of s at or
// after line, or 0, 0.
func find(data []byte, line int, s string) (int, int) {
	for l := line; ; l++ {
		t, ok := lineAt(data, l)
		if !ok {
			return 0, 0
		}
		if i := strings.Index(t, s); i >= 0 {
			return l, i + 1
		}
	}
}

func lineOf(data []byte, line int) string {
	t, _ := lineAt(data, line)
	return t
}

// lineAt returns line number line (1-based) of data, and whether it exists.
func lineAt(data []byte, line int) (string, bool) {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return "", false
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return strings.TrimSuffix(string(data), "\r"), true
}
