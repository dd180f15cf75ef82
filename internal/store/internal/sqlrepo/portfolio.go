package sqlrepo

import (
	"context"
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// CountRisk implements store.Portfolio. Severities and the matrix come from
// risk_counts, which the engines' triggers keep in step with the threats;
// overdue treatments are counted on the (status, due) index.
func (r *Repo) CountRisk(ctx context.Context, f store.RiskFilter) (store.RiskCounts, error) {
	out := store.RiskCounts{BySystem: []store.SystemRisk{}, Matrix: []store.RiskCell{}}
	if f.Systems != nil && len(f.Systems) == 0 {
		return out, nil
	}
	var conds []string
	var args []any
	if len(f.Status) > 0 {
		args = append(args, r.D.List(strs(f.Status)))
		conds = append(conds, r.D.In("status", len(args)))
	}
	if f.Systems != nil {
		args = append(args, r.D.List(f.Systems))
		conds = append(conds, r.D.In("system_id", len(args)))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := r.query(ctx, `SELECT system_id, severity, SUM(n) FROM risk_counts`+where+`
		GROUP BY system_id, severity HAVING SUM(n) > 0 ORDER BY system_id, severity`, args...)
	if err != nil {
		return out, fmt.Errorf("counting risk by system: %w", err)
	}
	if out.BySystem, err = collect(rows, func(row Row) (store.SystemRisk, error) {
		var c store.SystemRisk
		var sev string
		err := row.Scan(&c.SystemID, &sev, &c.Count)
		c.Severity = model.Severity(sev)
		return c, err
	}); err != nil {
		return out, fmt.Errorf("counting risk by system: %w", err)
	}
	rows, err = r.query(ctx, `SELECT likelihood, impact, SUM(n) FROM risk_counts`+where+`
		GROUP BY likelihood, impact HAVING SUM(n) > 0 ORDER BY likelihood, impact`, args...)
	if err != nil {
		return out, fmt.Errorf("counting risk by rating: %w", err)
	}
	if out.Matrix, err = collect(rows, func(row Row) (store.RiskCell, error) {
		var c store.RiskCell
		return c, row.Scan(&c.Likelihood, &c.Impact, &c.Count)
	}); err != nil {
		return out, fmt.Errorf("counting risk by rating: %w", err)
	}
	if f.DueBefore != "" {
		args = append(args, f.DueBefore)
		conds = append(conds, "NOT gone", "due < "+r.D.DateIn(len(args)))
		if err := r.queryRow(ctx, `SELECT COUNT(*) FROM threats WHERE `+strings.Join(conds, " AND "), args...).
			Scan(&out.Overdue); err != nil {
			return out, fmt.Errorf("counting overdue treatments: %w", err)
		}
	}
	return out, nil
}

// RecordRiskHistory implements store.Portfolio from risk_counts: a few
// thousand counters, not the threats.
func (r *Repo) RecordRiskHistory(ctx context.Context, day string, status []model.TreatmentStatus) error {
	if _, err := r.exec(ctx, `DELETE FROM risk_history WHERE day = $1`, day); err != nil {
		return fmt.Errorf("recording the risk of %s: %w", day, err)
	}
	where, args := "", []any{day}
	if len(status) > 0 {
		args = append(args, r.D.List(strs(status)))
		where = " WHERE " + r.D.In("status", len(args))
	}
	if _, err := r.exec(ctx, `INSERT INTO risk_history (day, system_id, severity, n)
		SELECT CAST($1 AS TEXT), system_id, severity, SUM(n) FROM risk_counts`+where+`
		GROUP BY system_id, severity HAVING SUM(n) > 0`, args...); err != nil {
		return fmt.Errorf("recording the risk of %s: %w", day, err)
	}
	return nil
}

// RiskHistory implements store.Portfolio on risk_history's key (day,
// severity, system), in whose order it groups.
func (r *Repo) RiskHistory(ctx context.Context, f store.HistoryFilter) ([]store.RiskDay, error) {
	out := []store.RiskDay{}
	if len(f.Days) == 0 || f.Systems != nil && len(f.Systems) == 0 {
		return out, nil
	}
	args := []any{r.D.List(f.Days)}
	conds := []string{r.D.In("day", 1)}
	if f.Systems != nil {
		args = append(args, r.D.List(f.Systems))
		conds = append(conds, r.D.In("system_id", len(args)))
	}
	rows, err := r.query(ctx, `SELECT day, severity, SUM(n) FROM risk_history WHERE `+strings.Join(conds, " AND ")+`
		GROUP BY day, severity ORDER BY day, severity`, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the risk history: %w", err)
	}
	if out, err = collect(rows, func(row Row) (store.RiskDay, error) {
		var d store.RiskDay
		var sev string
		err := row.Scan(&d.Day, &sev, &d.Count)
		d.Severity = model.Severity(sev)
		return d, err
	}); err != nil {
		return nil, fmt.Errorf("reading the risk history: %w", err)
	}
	return out, nil
}
