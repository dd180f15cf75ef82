// Package ruleset loads a directory of Sigma rules with processing
// pipelines, compiles what loads and tells, per rule file, whether it is
// ok, unsupported (and why) or invalid (and where). One bad rule never
// stops the others from loading.
package ruleset

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/detect/correlate"
	"github.com/rampart-sec/rampart/internal/detect/pipeline"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/source"
)

// Status is the verdict on one rule file.
type Status string

// The verdicts.
const (
	OK          Status = "ok"
	Unsupported Status = "unsupported"
	Invalid     Status = "invalid"
)

// File is one rule file's verdict.
type File struct {
	Path     string         `json:"path"`
	Status   Status         `json:"status"`
	Rules    int            `json:"rules"`
	Problems sigma.Problems `json:"problems,omitempty"`
}

// Set is a loaded, compiled rule set.
type Set struct {
	Rules       []*sigma.Rule // every rule that loaded, pipelines applied
	Engine      *sigma.Engine
	Correlation *correlate.Engine
	Files       []File
}

// MaxFiles bounds the rule files read from one directory tree.
const MaxFiles = 100000

// Pipelines resolves pipeline arguments: a built-in name or a file path.
func Pipelines(args []string) ([]*pipeline.Pipeline, error) {
	var out []*pipeline.Pipeline
	for _, a := range args {
		if p, err := pipeline.Builtin(a); err == nil {
			out = append(out, p)
			continue
		}
		data, err := os.ReadFile(a)
		if err != nil {
			return nil, fmt.Errorf("pipeline %q is neither built in (%s) nor a readable file: %w", a, strings.Join(pipeline.BuiltinNames(), ", "), err)
		}
		p, probs := pipeline.Parse(a, data)
		if len(probs) > 0 {
			return nil, probs
		}
		out = append(out, p)
	}
	// pySigma applies pipelines by priority, lowest first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out, nil
}

// Load reads every .yml/.yaml file under each root (a directory or a
// file), applies the pipelines and compiles the rules that load. An error
// is returned only when a root cannot be read at all.
func Load(ctx context.Context, roots []string, pipelines []*pipeline.Pipeline) (*Set, error) {
	s := &Set{}
	byFile := map[string]int{}
	var all []*sigma.Rule
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if d.IsDir() || !(strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
				return nil
			}
			if len(s.Files) >= MaxFiles {
				return fmt.Errorf("more than %d rule files under %s", MaxFiles, root)
			}
			f := File{Path: path, Status: OK}
			if !d.Type().IsRegular() {
				// A FIFO or device would block or never end; a symlink is
				// not followed.
				f.Status = Invalid
				f.Problems = sigma.Problems{problemAt(path, source.CodeNotRegular, "not a regular file")}
				s.Files = append(s.Files, f)
				return nil
			}
			info, err := d.Info()
			if err == nil && info.Size() > sigma.MaxRuleBytes {
				f.Status = Invalid
				f.Problems = sigma.Problems{problemAt(path, source.CodeLimit, fmt.Sprintf("rule file is %d bytes, more than the limit of %d", info.Size(), sigma.MaxRuleBytes))}
				s.Files = append(s.Files, f)
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				f.Status = Invalid
				f.Problems = sigma.Problems{problemAt(path, source.CodeUnreadable, err.Error())}
				s.Files = append(s.Files, f)
				return nil
			}
			rules, probs := sigma.Parse(path, data)
			f.Problems = probs
			f.Rules = len(rules)
			byFile[path] = len(s.Files)
			s.Files = append(s.Files, f)
			all = append(all, rules...)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading rules: %w", err)
		}
	}
	for _, p := range pipelines {
		var probs sigma.Problems
		all, probs = p.Apply(all)
		s.addProblems(byFile, probs)
	}
	eng, probs := sigma.Compile(all)
	s.addProblems(byFile, probs)
	s.Engine = eng
	corr, probs := correlate.New(all)
	s.addProblems(byFile, probs)
	s.Correlation = corr
	// Keep only the rules of files without errors.
	for _, r := range all {
		if i, ok := byFile[r.Pos.File]; ok && len(s.Files[i].Problems.Errors()) > 0 {
			continue
		}
		s.Rules = append(s.Rules, r)
	}
	for i := range s.Files {
		f := &s.Files[i]
		errs := f.Problems.Errors()
		switch {
		case len(errs) == 0:
		case allUnsupported(errs):
			f.Status = Unsupported
		default:
			f.Status = Invalid
		}
	}
	return s, nil
}

func allUnsupported(ps sigma.Problems) bool {
	for _, p := range ps {
		if !sigma.IsUnsupported(p) {
			return false
		}
	}
	return true
}

func (s *Set) addProblems(byFile map[string]int, probs sigma.Problems) {
	for _, p := range probs {
		if i, ok := byFile[p.Pos.File]; ok {
			s.Files[i].Problems = append(s.Files[i].Problems, p)
		}
	}
}

// Count returns how many files have each status.
func (s *Set) Count() map[Status]int {
	out := map[Status]int{}
	for _, f := range s.Files {
		out[f.Status]++
	}
	return out
}

func problemAt(path string, code source.Code, msg string) sigma.Problem {
	return sigma.Problem{Pos: source.Pos{File: path}, Message: msg, Code: code}
}
