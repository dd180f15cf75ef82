// Package risk scores threats: likelihood × impact (1..5 each) on a
// configurable matrix, inherent and residual, and compares severities with
// the model's risk appetite. It does no I/O.
package risk

import (
	"github.com/rampart-sec/rampart/internal/model"
)

// Matrix maps likelihood and impact (1..5) onto a severity band.
type Matrix struct {
	// Bands[l-1][i-1] is the severity for likelihood l and impact i.
	Bands           [5][5]model.Severity `json:"bands"`
	LikelihoodNames [5]string            `json:"likelihood_names"`
	ImpactNames     [5]string            `json:"impact_names"`
}

// DefaultMatrix is the 5×5 matrix used when a model sets none: the band
// follows the product likelihood × impact (≤4 low, ≤9 medium, ≤16 high, else critical).
func DefaultMatrix() Matrix {
	m := Matrix{
		LikelihoodNames: [5]string{"rare", "unlikely", "possible", "likely", "almost certain"},
		ImpactNames:     [5]string{"negligible", "minor", "moderate", "major", "severe"},
	}
	for l := 1; l <= 5; l++ {
		for i := 1; i <= 5; i++ {
			var s model.Severity
			switch p := l * i; {
			case p <= 4:
				s = "low"
			case p <= 9:
				s = "medium"
			case p <= 16:
				s = "high"
			default:
				s = "critical"
			}
			m.Bands[l-1][i-1] = s
		}
	}
	return m
}

// MatrixFor returns the model's matrix: the default with the model's
// settings applied (the loader has checked their shape).
func MatrixFor(m *model.Model) Matrix {
	mx := DefaultMatrix()
	if m.Settings == nil || m.Settings.Matrix == nil {
		return mx
	}
	s := m.Settings.Matrix
	if len(s.LikelihoodNames) == 5 {
		copy(mx.LikelihoodNames[:], s.LikelihoodNames)
	}
	if len(s.ImpactNames) == 5 {
		copy(mx.ImpactNames[:], s.ImpactNames)
	}
	if len(s.Bands) == 5 {
		for l, row := range s.Bands {
			if len(row) == 5 {
				copy(mx.Bands[l][:], row)
			}
		}
	}
	return mx
}

// Severity returns the band for a likelihood and impact (clamped to 1..5).
func (m Matrix) Severity(likelihood, impact int) model.Severity {
	return m.Bands[clamp(likelihood)-1][clamp(impact)-1]
}

func clamp(v int) int {
	return min(max(v, 1), 5)
}

// Score is one rating of a threat.
type Score struct {
	Likelihood int            `json:"likelihood"`
	Impact     int            `json:"impact"`
	Score      int            `json:"score"`
	Severity   model.Severity `json:"severity"`
}

// Rate builds a score on the matrix.
func (m Matrix) Rate(likelihood, impact int) Score {
	l, i := clamp(likelihood), clamp(impact)
	return Score{Likelihood: l, Impact: i, Score: l * i, Severity: m.Severity(l, i)}
}

// Limit returns the appetite that applies to a threat with the given STRIDE
// categories and rule category: the strictest of the categories the
// appetite names, else its overall maximum. With no appetite the limit is medium.
func Limit(a *model.RiskAppetite, stride []model.STRIDE, category string) model.Severity {
	if a == nil {
		return DefaultAppetite
	}
	var limit model.Severity
	consider := func(key string) {
		if s, ok := a.ByCategory[key]; ok && (limit == "" || s.Rank() < limit.Rank()) {
			limit = s
		}
	}
	for _, s := range stride {
		consider(string(s))
	}
	if category != "" {
		consider(category)
	}
	if limit == "" {
		limit = a.MaxSeverity
	}
	return limit
}

// DefaultAppetite is the limit used when a model declares no risk appetite.
const DefaultAppetite model.Severity = "medium"

// Exceeds reports whether a severity is above a limit.
func Exceeds(s, limit model.Severity) bool { return s.Rank() > limit.Rank() }
