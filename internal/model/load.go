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

// parse turns bytes into a YAML document's root node, or records why not.
// The input layer refuses bad bytes, syntax errors and alias bombs; the
// hints here are the model's own.
func (l *loader) parse(name string, data []byte) *yaml.Node {
	doc := source.ParseYAML(name, data, source.Limits{MaxExpansion: l.opts.MaxExpansion})
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
	return doc.Root
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
		l.problems = append(l.problems, problemf(Pos{File: name, Line: node.Line, Column: node.Column}, source.CodeType, "",
			"a model starts with 'rampart: 1', then system, data, components, trust_boundaries and flows",
			"expected a mapping of model sections, found %s", DescribeNode(node)))
		return false
	}
	d := &decoder{file: name}
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
