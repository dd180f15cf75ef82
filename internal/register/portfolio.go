package register

import (
	"context"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// Portfolio is the register in aggregate: the open risk of every system,
// read from the store's counters, and what is overdue.
type Portfolio struct {
	// Risk counts the open and mitigating threats by system and severity,
	// by likelihood and impact, and those past their due date.
	Risk store.RiskCounts `json:"risk"`
	// Overdue lists overdue reviews, acceptances, exceptions and unmodelled
	// systems; its overdue treatments are counted in Risk, not listed.
	Overdue Overdue `json:"overdue"`
}

// OpenStatuses are the treatment statuses that leave a threat's risk open.
var OpenStatuses = []model.TreatmentStatus{"open", "mitigating"}

// Portfolio returns the portfolio of the listed systems (nil: all).
// Overdue is not narrowed to them: the caller keeps what its reader may see.
func (s *Service) Portfolio(ctx context.Context, systems []string) (Portfolio, error) {
	var p Portfolio
	var err error
	if p.Risk, err = s.st.CountRisk(ctx, store.RiskFilter{Systems: systems, Status: OpenStatuses, DueBefore: s.today()}); err != nil {
		return p, err
	}
	if p.Overdue, err = s.overdueDecisions(ctx, ""); err != nil {
		return p, err
	}
	return p, nil
}

// RecordRiskHistory records today's open risk (open and mitigating
// threats by system and severity) in the risk history, replacing what an
// earlier sweep of the day recorded, so that the day keeps its last count.
func (s *Service) RecordRiskHistory(ctx context.Context) error {
	return s.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.RecordRiskHistory(ctx, s.today(), OpenStatuses)
	})
}

// RiskHistory returns the recorded open risk of the listed systems (nil:
// all) on the given days, by day and severity.
func (s *Service) RiskHistory(ctx context.Context, systems, days []string) ([]store.RiskDay, error) {
	return s.st.RiskHistory(ctx, store.HistoryFilter{Days: days, Systems: systems})
}
