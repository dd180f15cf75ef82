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

// RiskDay is how many threats of the selected systems had one severity on
// one recorded day.
type RiskDay struct {
	// Day is YYYY-MM-DD (UTC).
	Day      string         `json:"day"`
	Severity model.Severity `json:"severity"`
	Count    int            `json:"count"`
}

// HistoryFilter selects recorded days of the risk history.
type HistoryFilter struct {
	// Days lists the days (YYYY-MM-DD) to read; a day never recorded has no rows.
	Days []string
	// Systems limits the counts to these systems; nil counts every system.
	Systems []string
}

// Portfolio reads the register in aggregate, from counters the store keeps
// beside the threats rather than from every threat.
type Portfolio interface {
	// CountRisk counts the threats f selects.
	CountRisk(ctx context.Context, f RiskFilter) (RiskCounts, error)
	// RecordRiskHistory records, as the risk of day (YYYY-MM-DD), the
	// current threats in one of the statuses by system and severity,
	// replacing what was recorded for that day before.
	RecordRiskHistory(ctx context.Context, day string, status []model.TreatmentStatus) error
	// RiskHistory sums the recorded risk of f's days and systems by day
	// and severity, ordered by day and severity (days and severities
	// without threats are left out).
	RiskHistory(ctx context.Context, f HistoryFilter) ([]RiskDay, error)
}
