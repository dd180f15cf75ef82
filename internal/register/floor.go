package register

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/risk"
	"github.com/rampart-sec/rampart/internal/store"
)

// WithFloor governs the register by the organisation's central policy
// file (docs/policy.md): the stored policy may tighten its matrix,
// appetites and mandatory rules but never loosen them, and the server
// analyses every model version under it. nil means no file.
func WithFloor(p *policy.Policy) Option { return func(s *Service) { s.floor = p } }

// Floor is the central policy file the register is governed by; nil for none.
func (s *Service) Floor() *policy.Policy { return s.floor }

// CheckPolicy reports, as a *LooserError, where the stored policy is
// looser than the policy file (it reads tightened; see Policy); nil when
// it is not, or there is no file.
func (s *Service) CheckPolicy(ctx context.Context) error {
	p, err := s.st.GetPolicy(ctx)
	if err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if _, loosened, dropped := underFloor(s.floor, p); len(loosened) > 0 || len(dropped) > 0 {
		return &LooserError{File: s.floor.File, Loosened: loosened, Rules: dropped}
	}
	return nil
}

// LooserError refuses a stored policy that is looser than the policy file.
// It wraps ErrInvalid.
type LooserError struct {
	// File is the policy file that sets the floor.
	File string
	// Loosened are the looser appetites and matrix cells, keyed as in
	// store.Policy's JSON (appetite, appetite_by_category.privacy,
	// matrix.bands[1][4]).
	Loosened []policy.Loosening
	// Rules are rules the file requires that mandatory_rules leaves out.
	Rules []string
}

func (e *LooserError) Error() string {
	var parts []string
	for _, l := range e.Loosened {
		parts = append(parts, fmt.Sprintf("%s: %s is looser than the policy file's %s", l.Key, l.Model, l.Policy))
	}
	for _, id := range e.Rules {
		parts = append(parts, fmt.Sprintf("mandatory_rules: rule %s is required by the policy file and must stay mandatory", id))
	}
	return fmt.Sprintf("%s: the policy may only tighten the policy file %s: %s", ErrInvalid, e.File, strings.Join(parts, "; "))
}

// Unwrap makes the error ErrInvalid.
func (e *LooserError) Unwrap() error { return ErrInvalid }

// storeKeys maps the model keys policy.Apply names onto store.Policy's.
var storeKeys = strings.NewReplacer("risk_appetite.max_severity", "appetite",
	"risk_appetite.by_category.", "appetite_by_category.", "settings.matrix.", "matrix.")

// underFloor governs a stored policy by the policy file, as policy.Apply
// governs a model: the effective policy has the stricter appetite of the
// two for every category either sets, each matrix cell at the higher
// rating, and the union of the mandatory rules. loosened lists where p's
// appetite or matrix is looser than the file, dropped the required rules
// p's mandatory_rules leaves out. With no file p is returned as it is.
func underFloor(floor *policy.Policy, p store.Policy) (eff store.Policy, loosened []policy.Loosening, dropped []string) {
	if floor == nil {
		return p, nil, nil
	}
	bands := make([][]model.Severity, 5)
	for l := range 5 {
		bands[l] = slices.Clone(p.Matrix.Bands[l][:])
	}
	m := &model.Model{
		RiskAppetite: &model.RiskAppetite{MaxSeverity: p.Appetite, ByCategory: p.AppetiteByCategory},
		Settings: &model.Settings{Matrix: &model.Matrix{LikelihoodNames: p.Matrix.LikelihoodNames[:],
			ImpactNames: p.Matrix.ImpactNames[:], Bands: bands}},
	}
	g := policy.Apply(m, floor)
	eff = p
	if a := g.Model.RiskAppetite; a != nil {
		eff.Appetite, eff.AppetiteByCategory = a.MaxSeverity, a.ByCategory
	}
	eff.Matrix = risk.MatrixFor(g.Model)
	for _, l := range g.Info.Loosened {
		l.Key = storeKeys.Replace(l.Key)
		l.Pos = model.Pos{}
		loosened = append(loosened, l)
	}
	eff.MandatoryRules = slices.Clone(p.MandatoryRules)
	for _, id := range floor.RequiredRules {
		if !slices.Contains(eff.MandatoryRules, id) {
			eff.MandatoryRules = append(eff.MandatoryRules, id)
			dropped = append(dropped, id)
		}
	}
	return eff, loosened, dropped
}
