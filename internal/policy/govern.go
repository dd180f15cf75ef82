package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/source"
)

// Info is what reports show of a model's governance: which policy applied,
// which rules the model disables, and where it tried to loosen the policy.
type Info struct {
	// File is the policy file that applied; empty when none did.
	File string `json:"file,omitempty"`
	// Name is the policy's name.
	Name string `json:"name,omitempty"`
	// DisabledRules are the rules the model disables (settings.disabled_rules) that were not run.
	DisabledRules []string `json:"disabled_rules"`
	// Refused are rules the model disables although the policy requires
	// them: an error, and they were run anyway.
	Refused []string `json:"refused_disables,omitempty"`
	// Loosened lists where the model set a looser appetite or matrix than
	// the policy; the policy's value applied.
	Loosened []Loosening `json:"loosened,omitempty"`
}

// Loosening is one place where a model asked for more risk than its policy allows.
type Loosening struct {
	// Key is the model key, e.g. risk_appetite.max_severity or
	// settings.matrix.bands[1][4].
	Key string `json:"key"`
	// Model is the model's value, Policy the value that applied.
	Model  model.Severity `json:"model"`
	Policy model.Severity `json:"policy"`
	Pos    model.Pos      `json:"position"`
}

// Governed is a model as its policy governs it.
type Governed struct {
	// Model is a shallow copy of the model with the effective appetite,
	// matrix and disabled rules; the input model is not changed.
	Model *model.Model
	Info  Info
	// Problems are the policy violations, with the model's positions: an
	// error for each required rule the model disables, a warning for each
	// loosened appetite or matrix cell, and a warning for each disabled rule.
	Problems model.Problems
}

// Apply governs m by p (p may be nil: then only the disabled rules are
// reported). The effective appetite is the stricter of the model's and the
// policy's for every key either sets; the effective matrix rates each cell
// at the higher of the two; rules the policy requires run even if the
// model disables them.
func Apply(m *model.Model, p *Policy) Governed {
	g := Governed{Info: Info{DisabledRules: []string{}}}
	mm := *m
	g.Model = &mm
	if p != nil {
		g.Info.File, g.Info.Name = p.File, p.Name
		mm.RequiredRules = p.RequiredRules // they run whatever the methodology says
	}
	if m.Settings != nil && len(m.Settings.DisabledRules) > 0 {
		s := *m.Settings
		s.DisabledRules = nil
		for i, id := range m.Settings.DisabledRules {
			if p != nil && slices.Contains(p.RequiredRules, id) {
				g.Info.Refused = append(g.Info.Refused, id)
				g.Problems = append(g.Problems, problem(m.Settings.Source, "disabled_rules", i, source.Error,
					fmt.Sprintf("the policy (%s) requires rule %s; it runs, and the model may not disable it", p.File, id),
					"rule %s may not be disabled", id))
				continue
			}
			s.DisabledRules = append(s.DisabledRules, id)
			g.Info.DisabledRules = append(g.Info.DisabledRules, id)
			g.Problems = append(g.Problems, problem(m.Settings.Source, "disabled_rules", i, source.Warning,
				"reports list disabled rules; remove it from settings.disabled_rules to run it again",
				"rule %s is disabled: its threats are not looked for", id))
		}
		mm.Settings = &s
	}
	if p == nil {
		return g
	}
	if p.Appetite != nil {
		mm.RiskAppetite = g.appetite(m, p)
	}
	if p.Matrix != nil {
		s := model.Settings{}
		if mm.Settings != nil {
			s = *mm.Settings
		}
		s.Matrix = g.matrix(m, p)
		mm.Settings = &s
	}
	return g
}

func problem(src model.Source, key string, idx int, sev source.Severity, hint, format string, args ...any) model.Problem {
	pr := source.Errorf(src.At(key, idx), source.CodePolicy, src.KeyPath(key, idx), hint, format, args...)
	pr.Severity = sev
	return pr
}

func stricter(a, b model.Severity) model.Severity {
	if b.Rank() < a.Rank() {
		return b
	}
	return a
}

// appetite returns the effective appetite and records loosenings.
func (g *Governed) appetite(m *model.Model, p *Policy) *model.RiskAppetite {
	pa, ma := p.Appetite, m.RiskAppetite
	eff := &model.RiskAppetite{MaxSeverity: pa.MaxSeverity}
	if ma != nil {
		eff.Source = ma.Source
		if ma.MaxSeverity != "" {
			eff.MaxSeverity = stricter(pa.MaxSeverity, ma.MaxSeverity)
			if ma.MaxSeverity.Rank() > pa.MaxSeverity.Rank() {
				g.loosened(ma.Source, "max_severity", "risk_appetite.max_severity", ma.MaxSeverity, pa.MaxSeverity, p.File)
			}
		}
	}
	policyLimit := func(cat string) model.Severity {
		if s, ok := pa.ByCategory[cat]; ok {
			return s
		}
		return pa.MaxSeverity
	}
	cats := map[string]bool{}
	for c := range pa.ByCategory {
		cats[c] = true
	}
	if ma != nil {
		for c := range ma.ByCategory {
			cats[c] = true
		}
	}
	names := make([]string, 0, len(cats))
	for c := range cats {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		limit := policyLimit(c)
		if ma != nil {
			if s, ok := ma.ByCategory[c]; ok {
				if s.Rank() > limit.Rank() {
					g.loosenedAt(ma.Source.AtKey("by_category", c), "risk_appetite.by_category."+c, s, limit, p.File)
				}
				limit = stricter(limit, s)
			} else if ma.MaxSeverity != "" {
				limit = stricter(limit, ma.MaxSeverity)
			}
		}
		if eff.ByCategory == nil {
			eff.ByCategory = map[string]model.Severity{}
		}
		eff.ByCategory[c] = limit
	}
	return eff
}

func (g *Governed) loosened(src model.Source, key, path string, got, applies model.Severity, file string) {
	g.loosenedAt(src.At(key, -1), path, got, applies, file)
}

func (g *Governed) loosenedAt(pos model.Pos, path string, got, applies model.Severity, file string) {
	g.Info.Loosened = append(g.Info.Loosened, Loosening{Key: path, Model: got, Policy: applies, Pos: pos})
	pr := source.Warnf(pos, source.CodePolicy, path, fmt.Sprintf("a model may only tighten its policy; lower it to %s or below", applies),
		"%s is looser than the policy's %s (%s); %s applies", got, applies, file, applies)
	g.Problems = append(g.Problems, pr)
}

// matrix returns the effective matrix and records loosened cells.
func (g *Governed) matrix(m *model.Model, p *Policy) *model.Matrix {
	eff := &model.Matrix{LikelihoodNames: p.Matrix.LikelihoodNames, ImpactNames: p.Matrix.ImpactNames, Bands: p.Matrix.Bands}
	var mm *model.Matrix
	if m.Settings != nil {
		mm = m.Settings.Matrix
	}
	if mm == nil {
		return eff
	}
	eff.Source = mm.Source
	if len(mm.LikelihoodNames) == 5 {
		eff.LikelihoodNames = mm.LikelihoodNames
	}
	if len(mm.ImpactNames) == 5 {
		eff.ImpactNames = mm.ImpactNames
	}
	if len(mm.Bands) != 5 || len(p.Matrix.Bands) != 5 {
		if len(eff.Bands) == 0 {
			eff.Bands = mm.Bands
		}
		return eff
	}
	bands := make([][]model.Severity, 5)
	var cells []string
	for l := range 5 {
		bands[l] = slices.Clone(p.Matrix.Bands[l])
		for i := range 5 {
			if i >= len(mm.Bands[l]) {
				continue
			}
			ms, ps := mm.Bands[l][i], p.Matrix.Bands[l][i]
			if ms.Rank() >= ps.Rank() {
				bands[l][i] = ms
				continue
			}
			cells = append(cells, fmt.Sprintf("likelihood %d × impact %d: %s < %s", l+1, i+1, ms, ps))
			g.Info.Loosened = append(g.Info.Loosened, Loosening{Key: fmt.Sprintf("settings.matrix.bands[%d][%d]", l, i),
				Model: ms, Policy: ps, Pos: mm.Source.At("bands", -1)})
		}
	}
	eff.Bands = bands
	if len(cells) > 0 {
		g.Problems = append(g.Problems, source.Warnf(mm.Source.At("bands", -1), source.CodePolicy, "settings.matrix.bands",
			"a model may only rate cells higher than its policy",
			"%d cell(s) of the risk matrix are rated lower than the policy's (%s): %s; the policy's ratings apply",
			len(cells), p.File, strings.Join(cells, ", ")))
	}
	return eff
}

// Resolve turns a model's policy key into a file path: relative to the
// directory of the root model file, and confined, as includes are, to
// that directory's tree and includeRoot's. ok is false, with a problem at
// the key, when the path leaves them.
func Resolve(m *model.Model, rootFile, includeRoot string) (string, model.Problems) {
	ref := strings.TrimSpace(m.Policy)
	if ref == "" {
		return "", nil
	}
	dir := filepath.Dir(rootFile)
	path := ref
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, ref)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	tree := source.NewTree(dir, includeRoot)
	if !tree.Contains(abs) {
		return "", model.Problems{source.Errorf(m.At("policy", -1), source.CodeOutsideRoot, "policy",
			"name a policy file under the model's directory, widen that with --include-root DIR, or pass --policy FILE",
			"policy '%s' is outside the model's directory tree (%s)", ref, strings.Join(tree.Roots(), ", "))}
	}
	return path, nil
}

// Unreadable is the problem, at the model's policy key, for a policy file
// the key names that could not be read (err from Load).
func Unreadable(m *model.Model, err error) model.Problem {
	code, hint, why := source.CodeUnreadable, "", err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		why = pe.Err.Error()
	}
	switch {
	case errors.Is(err, source.ErrTooLarge):
		code, hint = source.CodeLimit, fmt.Sprintf("a policy file may be at most %d bytes", MaxFileSize)
	case errors.Is(err, source.ErrNotRegular):
		code, hint = source.CodeNotRegular, "name a policy file"
	case errors.Is(err, fs.ErrNotExist):
		hint = "the path is relative to the model file; or pass --policy FILE"
	}
	return source.Errorf(m.At("policy", -1), code, "policy", hint, "cannot read policy file '%s': %s", strings.TrimSpace(m.Policy), why)
}
