package model

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Default loader limits.
const (
	DefaultMaxFileSize  = 32 << 20 // bytes per file
	DefaultMaxExpansion = 100_000  // nodes reachable through aliases
	DefaultMaxIncludes  = 256      // files per model
)

// Options bound what the loader accepts.
type Options struct {
	// MaxFileSize refuses larger files (default DefaultMaxFileSize).
	MaxFileSize int64
	// MaxExpansion refuses models whose aliases expand past this many nodes.
	MaxExpansion int
	// MaxIncludes refuses models spread over more files.
	MaxIncludes int
	// RuleIDs, when set, lets validation check the rule part of treatment threat ids.
	RuleIDs []string
	// ReadFile reads a file; nil means the operating system's files.
	ReadFile func(ctx context.Context, path string, limit int64) ([]byte, error)
}

func (o *Options) defaults() {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxExpansion <= 0 {
		o.MaxExpansion = DefaultMaxExpansion
	}
	if o.MaxIncludes <= 0 {
		o.MaxIncludes = DefaultMaxIncludes
	}
	if o.ReadFile == nil {
		o.ReadFile = readOSFile
	}
}

// ErrTooLarge is wrapped by errors for files over the size limit.
var ErrTooLarge = errors.New("file too large")

func readOSFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// Load reads the model at path with its includes and validates it. It
// returns the model (possibly partial), every problem found (errors and
// warnings), and an error only when the root file cannot be read at all.
func Load(ctx context.Context, path string, opts Options) (*Model, Problems, error) {
	opts.defaults()
	data, err := opts.ReadFile(ctx, path, opts.MaxFileSize)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return &Model{Files: []string{path}}, Problems{tooLarge(path, opts.MaxFileSize)}, nil
		}
		return nil, nil, fmt.Errorf("read model: %w", err)
	}
	return LoadBytes(ctx, path, data, opts)
}

// LoadBytes loads a model from data named name (includes are read relative to name).
func LoadBytes(ctx context.Context, name string, data []byte, opts Options) (*Model, Problems, error) {
	opts.defaults()
	if int64(len(data)) > opts.MaxFileSize {
		return &Model{Files: []string{name}}, Problems{tooLarge(name, opts.MaxFileSize)}, nil
	}
	l := &loader{ctx: ctx, opts: opts, seen: map[string]string{}}
	m := &Model{}
	if l.file(m, name, data, nil, true) {
		// Meaning is checked even when some keys were wrong, so that one run
		// shows every problem; elements that failed to decode are skipped by
		// the checks that need them.
		l.problems = append(l.problems, Validate(m, opts)...)
	}
	m.Files = l.files
	l.problems.Sort()
	return m, l.problems, ctx.Err()
}

func tooLarge(name string, limit int64) Problem {
	return Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: fmt.Sprintf("file is larger than the %d-byte limit", limit),
		Hint: "split the model with includes"}
}

type loader struct {
	ctx      context.Context
	opts     Options
	problems Problems
	files    []string
	seen     map[string]string // absolute path -> as named
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parse turns bytes into a YAML document's root node, or records why not.
func (l *loader) parse(name string, data []byte) *yaml.Node {
	if len(bytes.TrimSpace(data)) == 0 {
		l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "file is empty",
			Hint: "start from 'rampart init', or remove the file"})
		return nil
	}
	var doc yaml.Node
	// Unmarshal parses the bytes in place; a decoder over a reader copies
	// them. The decoder runs only when the file may hold a second document.
	if !mayHoldSecondDocument(data) {
		if root, ok := parseRoot(data); ok {
			doc = yaml.Node{Kind: yaml.DocumentNode, Line: 1, Column: 1, Content: []*yaml.Node{root}}
			return l.root(name, data, &doc)
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			l.problems = append(l.problems, SyntaxProblem(name, data, err))
			return nil
		}
		return l.root(name, data, &doc)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "file holds only comments",
				Hint: "start from 'rampart init', or remove the file"})
			return nil
		}
		l.problems = append(l.problems, SyntaxProblem(name, data, err))
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: extra.Line, Column: extra.Column},
			Message: "a second YAML document in the file", Hint: "a model file holds one document; split the model with includes"})
	} else if !errors.Is(err, io.EOF) {
		l.problems = append(l.problems, SyntaxProblem(name, data, err))
		return nil
	}
	return l.root(name, data, &doc)
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

// root checks a parsed document and returns its root node, or records why not.
func (l *loader) root(name string, data []byte, doc *yaml.Node) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "file holds only comments",
			Hint: "start from 'rampart init', or remove the file"})
		return nil
	}
	root := doc.Content[0]
	if isNull(root) {
		l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "file is empty",
			Hint: "start from 'rampart init', or remove the file"})
		return nil
	}
	// Aliases are written with '*': a file without one cannot expand.
	if !bytes.Contains(data, []byte("*")) {
		return root
	}
	if e := checkExpansion(root, l.opts.MaxExpansion); e != nil {
		p := Problem{Pos: Pos{File: name, Line: e.at.Line, Column: e.at.Column},
			Message: fmt.Sprintf("the model expands past %d nodes through aliases", l.opts.MaxExpansion),
			Hint:    "anchors and aliases may repeat content, but not multiply it; write the content out or split the model with includes"}
		if e.self {
			p.Message = fmt.Sprintf("alias '*%s' refers to its own anchor, so it would expand forever", e.at.Value)
			p.Hint = "an alias may only repeat a node declared before it and outside it"
		}
		l.problems = append(l.problems, p)
		return nil
	}
	return root
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

var unknownAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)

// SyntaxProblem turns a YAML parser error on data (from file name) into a
// problem with a hint. The parser names a line only, and for some errors the
// line where the enclosing construct started, so the position is refined
// from the text where the error says what to look for (a tab, an unclosed
// bracket, an unknown alias). Foreign YAML formats use it too, so that their
// syntax errors read like Rampart's own.
func SyntaxProblem(name string, data []byte, err error) Problem {
	msg := err.Error()
	p := Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "YAML syntax error: " + strings.TrimPrefix(msg, "yaml: ")}
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

// file decodes one model file into m (the root) or into a fragment merged
// into m. It reports whether the root could be decoded far enough to validate.
func (l *loader) file(m *Model, name string, data []byte, chain []string, root bool) bool {
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	l.seen[abs] = name
	l.files = append(l.files, name)
	node := l.parse(name, data)
	if node == nil {
		return false
	}
	if node.Kind != yaml.MappingNode {
		l.problems = append(l.problems, problemf(Pos{File: name, Line: node.Line, Column: node.Column}, "",
			"a model starts with 'rampart: 1', then system, data, components, trust_boundaries and flows",
			"expected a mapping of model sections, found %s", DescribeNode(node)))
		return false
	}
	d := &decoder{file: name, maxExpand: l.opts.MaxExpansion}
	if !bytes.Contains(data, []byte("*")) {
		d.workers = runtime.GOMAXPROCS(0)
	}
	target := m
	if !root {
		target = &Model{}
	}
	d.decode(node, modelValue(target), keyPath{})
	if !root {
		// Required root keys do not apply to included fragments.
		kept := d.problems[:0]
		for _, p := range d.problems {
			if p.Path == "" && (p.Message == "missing required key 'rampart'" || p.Message == "missing required key 'system'") {
				continue
			}
			kept = append(kept, p)
		}
		d.problems = kept
		l.checkFragment(target, name)
		merge(m, target)
	}
	l.problems = append(l.problems, d.problems...)
	if d.aborted {
		return false
	}
	dir := filepath.Dir(name)
	chain = append(chain, abs)
	for i, inc := range target.Includes {
		pos := target.At("includes", i)
		path := "includes[" + strconv.Itoa(i) + "]"
		if err := l.ctx.Err(); err != nil {
			return false
		}
		if inc == "" {
			l.problems = append(l.problems, Problem{Pos: pos, Path: path, Message: "empty include path"})
			continue
		}
		incName := inc
		if !filepath.IsAbs(incName) {
			incName = filepath.Join(dir, inc)
		}
		incAbs, err := filepath.Abs(incName)
		if err != nil {
			incAbs = incName
		}
		if cyc := cycleFrom(chain, incAbs); cyc != nil {
			names := make([]string, 0, len(cyc)+1)
			for _, c := range cyc {
				names = append(names, l.seen[c])
			}
			names = append(names, incName)
			l.problems = append(l.problems, Problem{Pos: pos, Path: path, Message: "includes form a cycle: " + strings.Join(names, " -> "),
				Hint: "remove one of the includes"})
			continue
		}
		if prev, dup := l.seen[incAbs]; dup {
			l.problems = append(l.problems, Problem{Pos: pos, Path: path, Message: fmt.Sprintf("'%s' is already included (as %s)", inc, prev),
				Hint: "include each file once"})
			continue
		}
		if len(l.files) >= l.opts.MaxIncludes {
			l.problems = append(l.problems, Problem{Pos: pos, Path: path, Message: fmt.Sprintf("more than %d model files", l.opts.MaxIncludes)})
			return true
		}
		incData, err := l.opts.ReadFile(l.ctx, incName, l.opts.MaxFileSize)
		if err != nil {
			hint := ""
			if errors.Is(err, ErrTooLarge) {
				hint = "split it further"
			} else if errors.Is(err, os.ErrNotExist) {
				hint = "paths are relative to the including file"
			}
			l.problems = append(l.problems, Problem{Pos: pos, Path: path, Message: fmt.Sprintf("cannot read included file '%s': %s", inc, trimPathErr(err)), Hint: hint})
			continue
		}
		l.file(m, incName, incData, chain, false)
	}
	return true
}

func trimPathErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func cycleFrom(chain []string, abs string) []string {
	for i, c := range chain {
		if c == abs {
			return chain[i:]
		}
	}
	return nil
}

// checkFragment refuses root-only sections in an included file.
func (l *loader) checkFragment(f *Model, name string) {
	if f.Rampart != 0 && f.Rampart != SchemaVersion {
		l.problems = append(l.problems, Problem{Pos: f.At("rampart", -1), Path: "rampart",
			Message: fmt.Sprintf("unsupported schema version %d, this build reads %d", f.Rampart, SchemaVersion)})
	}
	for _, k := range []struct {
		key string
		set bool
	}{{"system", f.System.ID != "" || f.System.Name != ""}, {"risk_appetite", f.RiskAppetite != nil}, {"settings", f.Settings != nil}} {
		if k.set {
			l.problems = append(l.problems, Problem{Pos: f.At(k.key, -1), Path: k.key,
				Message: fmt.Sprintf("'%s' may only be set in the root model file", k.key), Hint: "move it to the file that includes " + name})
		}
	}
}

func merge(m, f *Model) {
	m.Data = append(m.Data, f.Data...)
	m.Components = append(m.Components, f.Components...)
	m.TrustBoundaries = append(m.TrustBoundaries, f.TrustBoundaries...)
	m.Flows = append(m.Flows, f.Flows...)
	m.Controls = append(m.Controls, f.Controls...)
	m.Threats = append(m.Threats, f.Threats...)
	m.Treatments = append(m.Treatments, f.Treatments...)
}
