package store

import (
	"context"

	"github.com/rampart-sec/rampart/internal/model"
)

// RiskFilter selects the threats a portfolio counts: current ones (never
// gone) in one of the statuses, of the listed systems or all.
type RiskFilter struct {
	// Systems limits the count to these systems; nil counts every system.
	Systems []string
	// Status lists the treatment statuses counted; empty counts all.
	Status []model.TreatmentStatus
	// DueBefore (YYYY-MM-DD) counts, in RiskCounts.Overdue, the selected
	// threats due before it; "" counts none.
	DueBefore string
}

// RiskCounts is the portfolio's risk in aggregate.
type RiskCounts struct {
	// BySystem counts the threats of each system by residual severity,
	// ordered by system and severity (systems with none are left out).
	BySystem []SystemRisk `json:"by_system"`
	// Matrix counts them by likelihood and impact (empty cells left out).
	Matrix []RiskCell `json:"matrix"`
	// Overdue counts those due before RiskFilter.DueBefore.
	Overdue int `json:"overdue"`
}

// SystemRisk is how many counted threats of one system have one severity.
type SystemRisk struct {
	SystemID string         `json:"system_id"`
	Severity model.Severity `json:"severity"`
	Count    int            `json:"count"`
}

// RiskCell is how many counted threats have one likelihood and impact.
type RiskCell struct {
	Likelihood int `json:"likelihood"`
	Impact     int `json:"impact"`
	Count      int `json:"count"`
}

// Portfolio reads the register in aggregate, from counters the store keeps
// beside the threats rather than from every threat.
type Portfolio interface {
	// CountRisk counts the threats f selects.
	CountRisk(ctx context.Context, f RiskFilter) (RiskCounts, error)
}
