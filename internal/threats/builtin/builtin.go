// Package builtin holds Rampart's built-in threat rules. Each rule's
// metadata (title, STRIDE, CWE, CAPEC, ATT&CK, texts, base ratings,
// controls) is a rule document in rules/<id>.yaml, read by the same decoder
// as custom rules, so that a reviewer can correct a mapping without touching
// Go; only the check is Go, one file per rule. Rules are validated when they
// register: a rule whose metadata is invalid or missing stops the program at
// start-up, and the tests.
package builtin

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

//go:embed rules/*.yaml
var ruleFiles embed.FS

// metas holds the decoded metadata of every embedded rule document, by id.
var metas = func() map[string]threats.Meta {
	dec := threats.NewRuleDecoder(threats.DecodeOptions{})
	names, err := fs.Glob(ruleFiles, "rules/*.yaml")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		src, err := ruleFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		dec.Decode(name, src)
	}
	if errs := dec.Problems().Errors(); len(errs) > 0 {
		panic(fmt.Sprintf("built-in rule metadata: %v", errs))
	}
	out := map[string]threats.Meta{}
	for _, d := range dec.Docs() {
		if want := strings.TrimSuffix(path.Base(d.Pos.File), ".yaml"); d.ID != want {
			panic(fmt.Sprintf("%s: rule id %s does not match its file name", d.Pos.File, d.ID))
		}
		out[d.ID] = d.Meta
	}
	return out
}()

var registry threats.Registry

// register adds the built-in rule with the id, its metadata read from
// rules/<id>.yaml; each rule file calls it from init. It panics on a rule
// without metadata or with invalid metadata: a programming error any test catches.
func register(id string, check threats.Check) {
	m, ok := metas[id]
	if !ok {
		panic(fmt.Sprintf("built-in rule %s: no rules/%s.yaml", id, id))
	}
	if err := registry.Add(threats.Rule{Meta: m, Check: check}); err != nil {
		panic(fmt.Sprintf("built-in rule %s: %v", id, err))
	}
}

// Rules returns every built-in rule, sorted by id.
func Rules() []threats.Rule { return registry.Rules() }

// Lookup returns the built-in rule with the id.
func Lookup(id string) (threats.Rule, bool) { return registry.Lookup(id) }

// shortList joins up to five names and says how many more there are, so
// that a finding's text stays readable on a model of thousands of elements.
func shortList(names []string) string {
	const show = 5
	if len(names) <= show {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:show], ", "), len(names)-show)
}
