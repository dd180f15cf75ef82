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
			return nil, Problems{{Pos: Pos{File: path}, Message: fmt.Sprintf("file is larger than the %d-byte limit", opts.MaxFileSize),
				Hint: "split the model with includes"}}, nil
		}
		return nil, nil, fmt.Errorf("read model: %w", err)
	}
	return LoadBytes(ctx, path, data, opts)
}

// LoadBytes loads a model from data named name (includes are read relative to name).
func LoadBytes(ctx context.Context, name string, data []byte, opts Options) (*Model, Problems, error) {
	opts.defaults()
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
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		l.problems = append(l.problems, syntaxProblem(name, data, err))
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: extra.Line, Column: extra.Column},
			Message: "a second YAML document in the file", Hint: "a model file holds one document; split the model with includes"})
	} else if !errors.Is(err, io.EOF) {
		l.problems = append(l.problems, syntaxProblem(name, data, err))
		return nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "file holds no YAML document"})
		return nil
	}
	root := doc.Content[0]
	if isNull(root) {
		l.problems = append(l.problems, Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "file is empty",
			Hint: "start from 'rampart init', or remove the file"})
		return nil
	}
	return root
}

func syntaxProblem(name string, data []byte, err error) Problem {
	msg := err.Error()
	p := Problem{Pos: Pos{File: name, Line: 1, Column: 1}, Message: "YAML syntax error: " + strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		p.Pos.Line = line
		p.Message = "YAML syntax error: " + m[2]
		text := lineOf(data, line)
		p.Pos.Column = len(text) - len(strings.TrimLeft(text, " \t")) + 1
		if strings.Contains(text, "\t") || strings.Contains(m[2], "tab") {
			p.Hint = "YAML indentation must use spaces, not tabs"
		} else if strings.Contains(m[2], "mapping values are not allowed") {
			p.Hint = "quote values that contain ': ', or check the indentation"
		} else if strings.Contains(m[2], "did not find expected key") || strings.Contains(m[2], "could not find expected ':'") {
			p.Hint = "check the indentation and that every key ends with ':'"
		}
	}
	return p
}

func lineOf(data []byte, line int) string {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return string(data)
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
			"expected a mapping of model sections, found %s", describe(node)))
		return false
	}
	d := &decoder{file: name, maxExpand: l.opts.MaxExpansion}
	target := m
	if !root {
		target = &Model{}
	}
	d.decode(node, modelValue(target), "")
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
			l.problems = append(l.problems, Problem{Pos: pos, Path: path, Message: "cannot read include: " + trimPathErr(err), Hint: hint})
			continue
		}
		l.file(m, incName, incData, chain, false)
	}
	return true
}

func trimPathErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
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
