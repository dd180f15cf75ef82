package model

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/source"
)

// Default loader limits.
const (
	DefaultMaxFileSize  = source.DefaultMaxFileSize  // bytes per file
	DefaultMaxExpansion = source.DefaultMaxExpansion // nodes reachable through aliases
	DefaultMaxIncludes  = 256                        // files per model, the root included
)

// StdinName names a model read from standard input in problems.
const StdinName = "<stdin>"

// Options bound what the loader accepts.
type Options struct {
	// MaxFileSize refuses larger files (default DefaultMaxFileSize).
	MaxFileSize int64
	// MaxExpansion refuses models whose aliases expand past this many nodes.
	MaxExpansion int
	// MaxIncludes refuses models spread over more files; every include
	// counts, those that fail too.
	MaxIncludes int
	// IncludeRoot, when set, is a directory whose tree includes may name
	// besides the root model's own directory tree.
	IncludeRoot string
	// RuleIDs, when set, lets validation check the rule part of treatment threat ids.
	RuleIDs []string
	// ReadFile reads a file; nil means source.ReadFile (regular files only).
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
		o.ReadFile = source.ReadFile
	}
}

// ErrTooLarge is wrapped by errors for files over the size limit.
var ErrTooLarge = source.ErrTooLarge

// Load reads the model at path with its includes and validates it. It
// returns the model (possibly partial), every problem found (errors and
// warnings), and an error only when the root file cannot be read at all.
// Includes are confined to the directory tree of path (and of
// opts.IncludeRoot), symlinks resolved.
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

// LoadReader loads a model read from r (standard input, for the path "-"),
// named StdinName in problems; includes are read relative to the working
// directory and confined to its tree. The read stops when ctx is cancelled.
func LoadReader(ctx context.Context, r io.Reader, opts Options) (*Model, Problems, error) {
	opts.defaults()
	data, err := source.ReadReader(ctx, r, StdinName, opts.MaxFileSize)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return &Model{Files: []string{StdinName}}, Problems{tooLarge(StdinName, opts.MaxFileSize)}, nil
		}
		return nil, nil, fmt.Errorf("read model: %w", err)
	}
	return LoadBytes(ctx, StdinName, data, opts)
}

// LoadBytes loads a model from data named name (includes are read relative
// to name, and confined to the tree of its directory).
func LoadBytes(ctx context.Context, name string, data []byte, opts Options) (*Model, Problems, error) {
	return load(ctx, name, data, opts, false)
}

// load loads a model, parsing each file whole or, when whole is false, the
// long sections of large files piece by piece.
func load(ctx context.Context, name string, data []byte, opts Options, whole bool) (*Model, Problems, error) {
	opts.defaults()
	if int64(len(data)) > opts.MaxFileSize {
		return &Model{Files: []string{name}}, Problems{tooLarge(name, opts.MaxFileSize)}, nil
	}
	dir := filepath.Dir(name)
	if name == StdinName {
		dir = "."
	}
	l := &loader{ctx: ctx, opts: opts, seen: map[string]string{}, tree: source.NewTree(dir, opts.IncludeRoot), whole: whole}
	m := &Model{}
	if l.file(m, name, data, nil, nil) {
		// Meaning is checked even when some keys were wrong, so that one run
		// shows every problem; elements that failed to decode are skipped by
		// the checks that need them.
		l.problems = append(l.problems, Validate(m, opts)...)
	}
	m.Files = l.files
	l.problems.Sort()
	return m, l.problems, ctx.Err()
}

// tooLarge says which limit a file passed and how to raise it.
func tooLarge(name string, limit int64) Problem {
	return source.Errorf(Pos{File: name, Line: 1, Column: 1}, source.CodeLimit, "",
		"split the model with includes, or raise the limit with --max-file-size",
		"file is larger than the %d-byte file size limit", limit)
}

type loader struct {
	ctx      context.Context
	opts     Options
	problems Problems
	files    []string
	seen     map[string]string // absolute path -> as named
	tree     *source.Tree      // where includes may be read from
	// counted is the number of files the model named so far, the root and
	// every include, read or not; past opts.MaxIncludes the loader stops.
	counted int
	stopped bool
	// whole makes every file be parsed whole (see parse).
	whole bool
}

// parse turns bytes into a YAML document's root node, or records why not.
// The input layer refuses bad bytes, syntax errors and alias bombs; the
// hints here are the model's own.
func (l *loader) parse(name string, data []byte, whole bool) (*yaml.Node, *source.Rest) {
	lim := source.Limits{MaxExpansion: l.opts.MaxExpansion}
	var doc *source.Doc
	var rest *source.Rest
	if whole {
		doc = source.ParseYAML(name, data, lim)
	} else {
		doc, rest = source.ParseYAMLSections(name, data, lim, streamed...)
	}
	for _, p := range doc.Problems {
		switch p.Code {
		case source.CodeEmpty:
			p.Hint = "start from 'rampart init', or remove the file"
		case source.CodeDocuments:
			p.Hint = "a model file holds one document; split the model with includes"
		case source.CodeExpansion:
			if strings.HasPrefix(p.Message, "the document expands") {
				p.Message = strings.Replace(p.Message, "the document", "the model", 1)
				p.Hint = "anchors and aliases may repeat content, but not multiply it; write the content out or split the model with includes"
			}
		}
		l.problems = append(l.problems, p)
	}
	return doc.Root, rest
}

// streamed are the model's long lists, which a large file may hold in
// pieces read as the decoder takes them (see source.ParseYAMLSections).
var streamed = []string{"data", "components", "trust_boundaries", "flows", "controls", "threats", "treatments"}

// include is where a file was included: the including file's position and
// key path, and the path as written.
type include struct {
	pos  Pos
	path string
	name string
}

// file decodes one model file into m (the root, when inc is nil) or into a
// fragment merged into m. It reports whether the root could be decoded far
// enough to validate.
func (l *loader) file(m *Model, name string, data []byte, chain []string, inc *include) bool {
	abs, err := filepath.Abs(name)
	if err != nil {
		abs = name
	}
	key := source.RealPath(abs)
	l.seen[key] = name
	l.files = append(l.files, name)
	if inc == nil {
		l.counted++
	}
	node, rest := l.parse(name, data, l.whole)
	if node == nil {
		return false
	}
	if inc != nil {
		if why := notFragment(node); why != "" {
			// Not a model: say so without quoting the file, which may hold
			// anything (a key, a password file) and is not the user's model.
			l.problems = append(l.problems, source.Errorf(inc.pos, source.CodeType, inc.path,
				"an included file holds model sections: data, components, trust_boundaries, flows, controls, threats, treatments",
				"included file '%s' is not a model fragment: %s", inc.name, why))
			return false
		}
	}
	if inc == nil && node.Kind == yaml.MappingNode && !hasKey(node, "rampart") {
		if why := notFragment(node); why != "" {
			// Most likely some other file named by mistake (or by an
			// untrusted change): say so without quoting it.
			l.problems = append(l.problems, source.Errorf(Pos{File: name, Line: node.Line, Column: node.Column}, source.CodeType, "",
				"a model starts with 'rampart: 1', then system, data, components, trust_boundaries and flows",
				"not a Rampart model: %s", why))
			return false
		}
	}
	if node.Kind != yaml.MappingNode {
		l.problems = append(l.problems, problemf(Pos{File: name, Line: node.Line, Column: node.Column}, source.CodeType, "",
			"a model starts with 'rampart: 1', then system, data, components, trust_boundaries and flows",
			"expected a mapping of model sections, found %s", kindOf(node)))
		return false
	}
	target := m
	if inc != nil {
		target = &Model{}
	}
	d := l.decode(name, data, node, rest, target)
	if !rest.Complete() {
		// A piece of a large file did not parse on its own: decode the file
		// whole, so that the problems are those of any file.
		*target = Model{}
		if node, _ = l.parse(name, data, true); node == nil {
			return false
		}
		d = l.decode(name, data, node, nil, target)
	}
	if inc != nil {
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
	dir := filepath.Dir(name)
	if name == StdinName {
		dir = "."
	}
	chain = append(chain, key)
	for i, incPath := range target.Includes {
		if l.stopped || l.ctx.Err() != nil {
			return inc == nil
		}
		site := &include{pos: target.At("includes", i), path: "includes[" + strconv.Itoa(i) + "]", name: incPath}
		l.counted++
		if l.counted > l.opts.MaxIncludes {
			l.problems = append(l.problems, source.Errorf(site.pos, source.CodeLimit, site.path,
				"merge some of the files; every include counts, those that failed too",
				"more than %d model files: the model-file limit", l.opts.MaxIncludes))
			l.stopped = true
			return inc == nil
		}
		if incPath == "" {
			l.problems = append(l.problems, source.Errorf(site.pos, source.CodeInvalidValue, site.path, "", "empty include path"))
			continue
		}
		incName := incPath
		if !filepath.IsAbs(incName) {
			incName = filepath.Join(dir, incPath)
		}
		incAbs, err := filepath.Abs(incName)
		if err != nil {
			incAbs = filepath.Clean(incName)
		}
		if !l.tree.Contains(incAbs) {
			l.problems = append(l.problems, source.Errorf(site.pos, source.CodeOutsideRoot, site.path,
				"includes name files under the root model's directory; widen that with --include-root DIR",
				"include '%s' is outside the model's directory tree (%s)", incPath, strings.Join(l.tree.Roots(), ", ")))
			continue
		}
		incKey := source.RealPath(incAbs)
		if cyc := cycleFrom(chain, incKey); cyc != nil {
			names := make([]string, 0, len(cyc)+1)
			for _, c := range cyc {
				names = append(names, l.seen[c])
			}
			names = append(names, incName)
			l.problems = append(l.problems, source.Errorf(site.pos, source.CodeIncludeCycle, site.path, "remove one of the includes",
				"includes form a cycle: %s", strings.Join(names, " -> ")))
			continue
		}
		if prev, dup := l.seen[incKey]; dup {
			l.problems = append(l.problems, source.Errorf(site.pos, source.CodeDuplicateFile, site.path, "include each file once",
				"'%s' is already included (as %s)", incPath, prev))
			continue
		}
		incData, err := l.opts.ReadFile(l.ctx, incName, l.opts.MaxFileSize)
		if err != nil {
			code, hint := source.CodeUnreadable, ""
			switch {
			case errors.Is(err, ErrTooLarge):
				code, hint = source.CodeLimit, "split it further, or raise the file size limit with --max-file-size"
			case errors.Is(err, source.ErrNotRegular):
				code, hint = source.CodeNotRegular, "an include names a model file"
			case errors.Is(err, os.ErrNotExist):
				hint = "paths are relative to the including file"
			}
			l.problems = append(l.problems, source.Errorf(site.pos, code, site.path, hint, "cannot read included file '%s': %s", incPath, trimPathErr(err)))
			continue
		}
		l.file(m, incName, incData, chain, site)
	}
	return true
}

// decode decodes a file's root node (and the further pieces of its long
// sections) into target.
func (l *loader) decode(name string, data []byte, node *yaml.Node, rest *source.Rest, target *Model) *decoder {
	d := &decoder{file: name, rest: rest}
	if !bytes.Contains(data, []byte("*")) {
		d.workers = runtime.GOMAXPROCS(0)
	}
	d.decode(node, modelValue(target), keyPath{})
	return d
}

// hasKey reports whether mapping n has key.
func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// kindOf names what a node is without quoting it: a file that is not a
// model may hold anything (a key, a password file), and its text must not
// reach a message or a CI log.
func kindOf(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode && n.Tag == "!!str":
		return "text"
	case n.Kind == yaml.ScalarNode:
		return "a single value"
	}
	return source.DescribeNode(n)
}

// notFragment says why a parsed included file is not a model fragment, in
// words that quote nothing from it, or "" when it is one: a mapping at
// least half of whose keys are model sections.
func notFragment(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
	case yaml.SequenceNode:
		return "its top level is a list, not a mapping of model sections"
	default:
		return "its top level is not a mapping of model sections"
	}
	si := infoOf(modelValue(&Model{}).Type())
	keys, known := len(n.Content)/2, 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		if _, ok := si.byName[n.Content[i].Value]; ok {
			known++
		}
	}
	if keys > 0 && 2*known < keys {
		return fmt.Sprintf("%d of its %d top-level keys are not model sections", keys-known, keys)
	}
	return ""
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
	if f.hasInt("rampart") && f.Rampart != SchemaVersion {
		l.problems = append(l.problems, source.Errorf(f.At("rampart", -1), source.CodeVersion, "rampart", "",
			"unsupported schema version %d, this build reads %d", f.Rampart, SchemaVersion))
	}
	for _, k := range []struct {
		key string
		set bool
	}{{"system", f.System.ID != "" || f.System.Name != ""}, {"risk_appetite", f.RiskAppetite != nil}, {"settings", f.Settings != nil},
		{"methodology", len(f.Methodology) > 0}, {"policy", f.Policy != ""}} {
		if k.set {
			l.problems = append(l.problems, source.Errorf(f.At(k.key, -1), source.CodeInvalid, k.key, "move it to the file that includes "+name,
				"'%s' may only be set in the root model file", k.key))
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
