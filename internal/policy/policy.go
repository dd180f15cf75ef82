// Package policy reads an organisation's central risk policy and applies
// it to models: the risk matrix, the risk appetite (overall and per
// category) and the rules no model may disable. A model may tighten the
// policy, never loosen it: a loosened appetite or matrix cell is a warning
// and the policy's value applies; disabling a required rule is an error.
// The file format is in docs/policy.md.
package policy

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// Version is the policy format version this build reads.
const Version = 1

// MaxFileSize is the largest policy file read.
const MaxFileSize = 1 << 20

// Policy is a central risk policy.
type Policy struct {
	// File names the policy file in problems and reports.
	File string `yaml:"-" json:"-"`
	// Version must be 1.
	Version int `yaml:"rampart-policy" json:"rampart-policy" jsonschema:"required,enum=1"`
	// Name says whose policy it is.
	Name string `yaml:"name,omitempty" json:"name,omitempty"`
	// Appetite is the most risk any system may carry untreated; a model may only lower it.
	Appetite *model.RiskAppetite `yaml:"risk_appetite,omitempty" json:"risk_appetite,omitempty"`
	// Matrix is the risk matrix; a model may only rate cells higher.
	Matrix *model.Matrix `yaml:"matrix,omitempty" json:"matrix,omitempty"`
	// RequiredRules lists the rule ids a model may not disable.
	RequiredRules []string `yaml:"required_rules,omitempty" json:"required_rules,omitempty"`
}

// keys are the top-level keys of a policy file, in documentation order.
var keys = []string{"rampart-policy", "name", "risk_appetite", "matrix", "required_rules"}

// Load reads and parses a policy file. err is set when it cannot be read;
// problems, with positions, when it is not a valid policy.
func Load(ctx context.Context, path string, ruleIDs []string) (*Policy, model.Problems, error) {
	data, err := source.ReadFile(ctx, path, MaxFileSize)
	if err != nil {
		return nil, nil, fmt.Errorf("read policy: %w", err)
	}
	p, problems := Parse(path, data, ruleIDs)
	return p, problems, nil
}

// Parse reads a policy from data; ruleIDs, when given, are the known rule
// ids required_rules must name.
func Parse(name string, data []byte, ruleIDs []string) (*Policy, model.Problems) {
	d := source.Parse(name, data, source.Limits{})
	p := &Policy{File: name}
	if d.Root == nil {
		return p, d.Problems
	}
	root, ok := d.Object(d.Root, "")
	if !ok {
		return p, d.Problems
	}
	for _, k := range root.Keys() {
		if !slices.Contains(keys, k) {
			hint := source.Suggest(k, keys)
			if hint == "" {
				hint = "allowed keys: " + strings.Join(keys, ", ")
			}
			d.Errorf(keyNode(root.N, k), source.CodeUnknownKey, k, hint, "unknown key '%s'", k)
		}
	}
	switch v, ok := root.Num("rampart-policy", true); {
	case ok && v != Version:
		d.Errorf(root.At("rampart-policy"), source.CodeVersion, "rampart-policy", "", "unsupported policy version %v, this build reads %d", v, Version)
	case ok:
		p.Version = Version
	}
	p.Name = root.Str("name", false)
	if a, ok := root.Obj("risk_appetite"); ok && a.Present() {
		p.Appetite = readAppetite(d, a)
	}
	if mx, ok := root.Obj("matrix"); ok && mx.Present() {
		p.Matrix = readMatrix(d, mx)
	}
	for _, it := range root.Arr("required_rules", false) {
		id, ok := str(d, it.N, it.Path)
		if !ok {
			continue
		}
		if len(ruleIDs) > 0 && !slices.Contains(ruleIDs, id) {
			d.Errorf(it.N, source.CodeReference, it.Path, source.Suggest(id, ruleIDs), "unknown rule '%s'", id)
			continue
		}
		if !slices.Contains(p.RequiredRules, id) {
			p.RequiredRules = append(p.RequiredRules, id)
		}
	}
	if p.Appetite == nil && p.Matrix == nil && len(p.RequiredRules) == 0 && !d.HasErrors() {
		d.Warnf(d.Root, source.CodeInvalid, "", "set risk_appetite, matrix or required_rules", "the policy sets nothing")
	}
	return p, d.Problems
}

func keyNode(obj *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(obj.Content); i += 2 {
		if obj.Content[i].Value == key {
			return obj.Content[i]
		}
	}
	return obj
}

func str(d *source.Doc, n *yaml.Node, path string) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!str" || strings.TrimSpace(n.Value) == "" {
		d.Errorf(n, source.CodeType, path, "", "expected a non-empty string, found %s", d.Describe(n))
		return "", false
	}
	return n.Value, true
}

var severities = model.Severity("").Values()

func severity(d *source.Doc, n *yaml.Node, path string) (model.Severity, bool) {
	s, ok := str(d, n, path)
	if !ok {
		return "", false
	}
	if !slices.Contains(severities, s) {
		d.Errorf(n, source.CodeUnknownValue, path, hintOr(source.Suggest(s, severities), "one of "+strings.Join(severities, ", ")),
			"unknown severity '%s'", s)
		return "", false
	}
	return model.Severity(s), true
}

func hintOr(h, fallback string) string {
	if h != "" {
		return h
	}
	return fallback
}

func readAppetite(d *source.Doc, o source.Obj) *model.RiskAppetite {
	a := &model.RiskAppetite{}
	for _, k := range o.Keys() {
		if k != "max_severity" && k != "by_category" {
			d.Errorf(keyNode(o.N, k), source.CodeUnknownKey, o.KeyPath(k), hintOr(source.Suggest(k, []string{"max_severity", "by_category"}),
				"allowed keys: max_severity, by_category"), "unknown key '%s'", k)
		}
	}
	if !o.Has("max_severity") {
		o.Missing("max_severity", "the most severe residual risk any system may carry untreated, e.g. medium")
	} else if s, ok := severity(d, o.Get("max_severity"), o.KeyPath("max_severity")); ok {
		a.MaxSeverity = s
	}
	if c, ok := o.Obj("by_category"); ok && c.Present() {
		a.ByCategory = map[string]model.Severity{}
		cats := append(model.STRIDE("").Values(), "privacy")
		for _, k := range c.Keys() {
			if !slices.Contains(cats, k) {
				d.Errorf(keyNode(c.N, k), source.CodeUnknownKey, c.KeyPath(k), hintOr(source.Suggest(k, cats), "a STRIDE category or privacy"),
					"unknown category '%s'", k)
				continue
			}
			if s, ok := severity(d, c.Get(k), c.KeyPath(k)); ok {
				a.ByCategory[k] = s
			}
		}
	}
	return a
}

func readMatrix(d *source.Doc, o source.Obj) *model.Matrix {
	mx := &model.Matrix{}
	for _, k := range o.Keys() {
		if !slices.Contains([]string{"likelihood_names", "impact_names", "bands"}, k) {
			d.Errorf(keyNode(o.N, k), source.CodeUnknownKey, o.KeyPath(k), "allowed keys: likelihood_names, impact_names, bands", "unknown key '%s'", k)
		}
	}
	for _, names := range []struct {
		key string
		dst *[]string
	}{{"likelihood_names", &mx.LikelihoodNames}, {"impact_names", &mx.ImpactNames}} {
		if !o.Has(names.key) {
			continue
		}
		list := o.Strs(names.key)
		if len(list) != 5 {
			d.Errorf(o.Get(names.key), source.CodeInvalidValue, o.KeyPath(names.key), "name the five levels, lowest first", "want 5 names, found %d", len(list))
			continue
		}
		*names.dst = list
	}
	if !o.Has("bands") {
		return mx
	}
	rows := o.Arr("bands", false)
	if len(rows) != 5 {
		d.Errorf(o.Get("bands"), source.CodeInvalidValue, o.KeyPath("bands"), "one row per likelihood 1..5, each with the severities for impact 1..5",
			"want 5 rows, found %d", len(rows))
		return mx
	}
	bands := make([][]model.Severity, 5)
	for l, row := range rows {
		cells := row.N.Content
		if row.N.Kind != yaml.SequenceNode || len(cells) != 5 {
			d.Errorf(row.N, source.CodeInvalidValue, row.Path, "five severities, for impact 1..5", "want a row of 5 severities, found %s", d.Describe(row.N))
			return mx
		}
		for i, c := range cells {
			s, ok := severity(d, c, fmt.Sprintf("%s[%d]", row.Path, i))
			if !ok {
				return mx
			}
			bands[l] = append(bands[l], s)
		}
	}
	mx.Bands = bands
	return mx
}
