// Package custom loads custom threat rules: rule documents (YAML, read by
// the same decoder as the built-in rules' metadata) with a CEL condition
// evaluated for every element of the rule's scope and an optional CEL
// detail text. See docs/custom-rules.md.
package custom

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cel.dev/cel-go/common/types"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// MaxFileSize is the largest custom rule file accepted.
const MaxFileSize = 1 << 20

// Load loads every custom rule file (*.yaml, *.yml) in dir, in file name
// order. It returns the valid rules, every problem found (errors and
// warnings, each with file:line:column) and an error only when dir or a
// file cannot be read. A rule with an error is left out of the result.
func Load(ctx context.Context, dir string) ([]threats.Rule, model.Problems, error) {
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
	l := newLoader()
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("reading custom rules: %w", err)
		}
		src, err := readRuleFile(ctx, file)
		if err != nil {
			return nil, nil, err
		}
		l.dec.Decode(file, src)
	}
	return l.finish()
}

// Parse parses custom rules from one file's content; file names the source
// in problems. It is Load for a single in-memory file.
func Parse(file string, src []byte) ([]threats.Rule, model.Problems) {
	l := newLoader()
	l.dec.Decode(file, src)
	rules, problems, _ := l.finish()
	return rules, problems
}

// readRuleFile reads a custom rule file through the input layer's reader:
// a regular file (never a FIFO or a device, which could block or never end)
// of at most MaxFileSize bytes.
func readRuleFile(ctx context.Context, path string) ([]byte, error) {
	src, err := source.ReadFile(ctx, path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading custom rules: %w", err)
	}
	return src, nil
}

// loader decodes rule documents and compiles their CEL.
type loader struct {
	dec   *threats.RuleDecoder
	cache *celCache
}

func newLoader() *loader {
	return &loader{
		dec: threats.NewRuleDecoder(threats.DecodeOptions{
			Custom:   true,
			Reserved: func(id string) bool { _, ok := builtin.Lookup(id); return ok },
		}),
		cache: &celCache{},
	}
}

// finish compiles the decoded rules' CEL and returns the rules that compiled.
func (l *loader) finish() ([]threats.Rule, model.Problems, error) {
	var rules []threats.Rule
	var compiled []*celRule
	for _, doc := range l.dec.Docs() {
		if _, ok := customScopes[doc.Scope]; !ok {
			l.dec.Errorf(doc.Pos, doc.Path, "one of component, flow, data, boundary", "custom rules cannot have scope '%s'", doc.Scope)
			continue
		}
		cr := &celRule{id: doc.ID, scope: doc.Scope, cache: l.cache, condAt: at(doc.Condition), detailAt: at(doc.Detail)}
		cr.cond = l.compile(doc.Condition, doc.Scope, types.BoolType)
		if doc.Detail.Text != "" {
			cr.detail = l.compile(doc.Detail, doc.Scope, types.StringType)
			if cr.detail == nil {
				continue
			}
		}
		if cr.cond == nil {
			continue
		}
		if len(doc.Undocumented) > 0 {
			l.dec.Warnf(doc.Pos, doc.Path, "'rampart explain' and reports show these texts", "rule %s has no %s text",
				doc.ID, strings.ReplaceAll(threats.JoinAnd(doc.Undocumented), " and ", " or "))
		}
		rules = append(rules, threats.Rule{Meta: doc.Meta, Check: cr.check, Custom: true})
		compiled = append(compiled, cr)
	}
	for _, cr := range compiled {
		cr.budget = min(RuleBudget, RunBudget/uint64(len(compiled)))
	}
	return rules, l.dec.Problems(), nil
}
