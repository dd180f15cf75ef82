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
