package sqlrepo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// where collects conditions and parameters of a list query.
type where struct {
	d     *Dialect
	conds []string
	args  []any
}

func (w *where) eq(col string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, col+" = $"+strconv.Itoa(len(w.args)))
}

func (w *where) in(col string, vs []string) {
	if len(vs) == 1 {
		w.eq(col, vs[0])
		return
	}
	w.args = append(w.args, w.d.List(vs))
	w.conds = append(w.conds, w.d.In(col, len(w.args)))
}

func (w *where) before(col, date string) {
	w.args = append(w.args, date)
	w.conds = append(w.conds, col+" < "+w.d.DateIn(len(w.args)))
}

// sql returns the WHERE clause, ORDER BY and the LIMIT/OFFSET with their parameters.
func (w *where) sql(order string, limit, offset int) (string, []any) {
	var b strings.Builder
	if len(w.conds) > 0 {
		b.WriteString(" WHERE " + strings.Join(w.conds, " AND "))
	}
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	b.WriteString(" ORDER BY " + order)
	b.WriteString(" LIMIT $" + strconv.Itoa(len(w.args)+1) + " OFFSET $" + strconv.Itoa(len(w.args)+2))
	return b.String(), append(w.args, limit, max(offset, 0))
}

// ---- acceptances

func (r *Repo) acceptanceCols() string {
	return `id, system_id, state, justification, ` + r.D.DateOut("expires") + `, requested_by, decided_by, decided_at,
		decision_note, extends, needs_review, warned_at, version, created_at, updated_at`
}

func scanAcceptance(row Row) (store.Acceptance, error) {
	var a store.Acceptance
	var state string
	err := row.Scan(&a.ID, &a.SystemID, &state, &a.Justification, &a.Expires, &a.RequestedBy, &a.DecidedBy,
		timeCol{&a.DecidedAt}, &a.DecisionNote, &a.Extends, &a.NeedsReview, timeCol{&a.WarnedAt}, &a.Version,
		timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt})
	a.State = store.AcceptanceState(state)
	return a, err
}

func (r *Repo) acceptanceThreats(ctx context.Context, a *store.Acceptance) error {
	rows, err := r.query(ctx, `SELECT threat_id, likelihood, impact, severity, model_version FROM acceptance_threats
		WHERE acceptance_id = $1 ORDER BY threat_id`, a.ID)
	if err != nil {
		return fmt.Errorf("reading threats of acceptance %d: %w", a.ID, err)
	}
	a.Threats, err = collect(rows, func(row Row) (store.AcceptedThreat, error) {
		var t store.AcceptedThreat
		var sev string
		err := row.Scan(&t.ThreatID, &t.Risk.Likelihood, &t.Risk.Impact, &sev, &t.ModelVersion)
		t.Risk.Severity = model.Severity(sev)
		return t, err
	})
	return err
}

func (r *Repo) putAcceptanceThreats(ctx context.Context, a store.Acceptance) error {
	if _, err := r.exec(ctx, `DELETE FROM acceptance_threats WHERE acceptance_id = $1`, a.ID); err != nil {
		return fmt.Errorf("replacing threats of acceptance %d: %w", a.ID, err)
	}
	return r.batch(ctx, len(a.Threats), 6, `INSERT INTO acceptance_threats (acceptance_id, threat_id, likelihood,
		impact, severity, model_version) VALUES `, func(i int) []any {
		t := a.Threats[i]
		return []any{a.ID, t.ThreatID, t.Risk.Likelihood, t.Risk.Impact, string(t.Risk.Severity), t.ModelVersion}
	})
}

// CreateAcceptance implements store.Repo.
func (r *Repo) CreateAcceptance(ctx context.Context, a store.Acceptance) (store.Acceptance, error) {
	a.CreatedAt, a.UpdatedAt, a.Version = now(), now(), 1
	err := r.queryRow(ctx, `INSERT INTO acceptances (system_id, state, justification, expires, requested_by,
		decided_by, decided_at, decision_note, extends, needs_review, warned_at, version, created_at, updated_at)
		VALUES ($1, $2, $3, `+r.D.DateIn(4)+`, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13) RETURNING id`,
		a.SystemID, string(a.State), a.Justification, a.Expires, a.RequestedBy, a.DecidedBy, r.D.Time(a.DecidedAt),
		a.DecisionNote, a.Extends, a.NeedsReview, r.D.Time(a.WarnedAt), r.D.Time(a.CreatedAt), r.D.Time(a.UpdatedAt)).
		Scan(&a.ID)
	if err != nil {
		return a, r.wrapInsert(err, "acceptance for", a.SystemID)
	}
	return a, r.putAcceptanceThreats(ctx, a)
}

// GetAcceptance implements store.Repo.
func (r *Repo) GetAcceptance(ctx context.Context, id int64) (store.Acceptance, error) {
	a, err := scanAcceptance(r.queryRow(ctx, `SELECT `+r.acceptanceCols()+` FROM acceptances WHERE id = $1`, id))
	if err != nil {
		return a, r.notFound(err, "acceptance", strconv.FormatInt(id, 10))
	}
	return a, r.acceptanceThreats(ctx, &a)
}

// UpdateAcceptance implements store.Repo.
func (r *Repo) UpdateAcceptance(ctx context.Context, a store.Acceptance) (store.Acceptance, error) {
	a.UpdatedAt = now()
	n, err := r.exec(ctx, `UPDATE acceptances SET state = $1, justification = $2, expires = `+r.D.DateIn(3)+`,
		decided_by = $4, decided_at = $5, decision_note = $6, extends = $7, needs_review = $8, warned_at = $9,
		version = version + 1, updated_at = $10 WHERE id = $11 AND version = $12`,
		string(a.State), a.Justification, a.Expires, a.DecidedBy, r.D.Time(a.DecidedAt), a.DecisionNote, a.Extends,
		a.NeedsReview, r.D.Time(a.WarnedAt), r.D.Time(a.UpdatedAt), a.ID, a.Version)
	if err != nil {
		return a, fmt.Errorf("updating acceptance %d: %w", a.ID, err)
	}
	if n == 0 {
		cur, err := r.GetAcceptance(ctx, a.ID)
		if err != nil {
			return a, err
		}
		return a, &store.StaleError{Kind: "acceptance", ID: strconv.FormatInt(a.ID, 10), Version: a.Version, Current: cur}
	}
	a.Version++
	return a, r.putAcceptanceThreats(ctx, a)
}

// ListAcceptances implements store.Repo.
func (r *Repo) ListAcceptances(ctx context.Context, f store.AcceptanceFilter) ([]store.Acceptance, error) {
	w := &where{d: r.D}
	if f.SystemID != "" {
		w.eq("system_id", f.SystemID)
	}
	if len(f.State) > 0 {
		w.in("state", strs(f.State))
	}
	if f.ExpiresBefore != "" {
		w.before("expires", f.ExpiresBefore)
	}
	if f.ThreatID != "" {
		w.args = append(w.args, f.ThreatID)
		w.conds = append(w.conds, "id IN (SELECT acceptance_id FROM acceptance_threats WHERE threat_id = $"+
			strconv.Itoa(len(w.args))+")")
	}
	clause, args := w.sql("id", f.Limit, f.Offset)
	rows, err := r.query(ctx, `SELECT `+r.acceptanceCols()+` FROM acceptances`+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("listing acceptances: %w", err)
	}
	out, err := collect(rows, scanAcceptance)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := r.acceptanceThreats(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ---- exceptions

func (r *Repo) exceptionCols() string {
	return `id, system_id, state, title, reason, risk, mitigations, difficulties, ` + r.D.DateOut("review_date") +
		`, requested_by, decided_by, decided_at, decision_note, version, created_at, updated_at`
}

func scanException(row Row) (store.Exception, error) {
	var e store.Exception
	var state string
	var mit []byte
	err := row.Scan(&e.ID, &e.SystemID, &state, &e.Title, &e.Reason, &e.Risk, jsonCol{&mit}, &e.Difficulties,
		&e.ReviewDate, &e.RequestedBy, &e.DecidedBy, timeCol{&e.DecidedAt}, &e.DecisionNote, &e.Version,
		timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt})
	if err != nil {
		return e, err
	}
	e.State = store.ExceptionState(state)
	if err := json.Unmarshal(mit, &e.Mitigations); err != nil {
		return e, fmt.Errorf("exception %d mitigations: %w", e.ID, err)
	}
	return e, nil
}

// CreateException implements store.Repo.
func (r *Repo) CreateException(ctx context.Context, e store.Exception) (store.Exception, error) {
	e.CreatedAt, e.UpdatedAt, e.Version = now(), now(), 1
	err := r.queryRow(ctx, `INSERT INTO exceptions (system_id, state, title, reason, risk, mitigations, difficulties,
		review_date, requested_by, decided_by, decided_at, decision_note, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, `+r.D.DateIn(8)+`, $9, $10, $11, $12, 1, $13, $14) RETURNING id`,
		e.SystemID, string(e.State), e.Title, e.Reason, e.Risk, r.D.JSON(marshal(orEmpty(e.Mitigations))),
		e.Difficulties, e.ReviewDate, e.RequestedBy, e.DecidedBy, r.D.Time(e.DecidedAt), e.DecisionNote,
		r.D.Time(e.CreatedAt), r.D.Time(e.UpdatedAt)).Scan(&e.ID)
	if err != nil {
		return e, r.wrapInsert(err, "exception", e.Title)
	}
	return e, nil
}

// GetException implements store.Repo.
func (r *Repo) GetException(ctx context.Context, id int64) (store.Exception, error) {
	e, err := scanException(r.queryRow(ctx, `SELECT `+r.exceptionCols()+` FROM exceptions WHERE id = $1`, id))
	if err != nil {
		return e, r.notFound(err, "exception", strconv.FormatInt(id, 10))
	}
	return e, nil
}

// UpdateException implements store.Repo.
func (r *Repo) UpdateException(ctx context.Context, e store.Exception) (store.Exception, error) {
	e.UpdatedAt = now()
	n, err := r.exec(ctx, `UPDATE exceptions SET system_id = $1, state = $2, title = $3, reason = $4, risk = $5,
		mitigations = $6, difficulties = $7, review_date = `+r.D.DateIn(8)+`, decided_by = $9, decided_at = $10,
		decision_note = $11, version = version + 1, updated_at = $12 WHERE id = $13 AND version = $14`,
		e.SystemID, string(e.State), e.Title, e.Reason, e.Risk, r.D.JSON(marshal(orEmpty(e.Mitigations))),
		e.Difficulties, e.ReviewDate, e.DecidedBy, r.D.Time(e.DecidedAt), e.DecisionNote, r.D.Time(e.UpdatedAt),
		e.ID, e.Version)
	if err != nil {
		return e, fmt.Errorf("updating exception %d: %w", e.ID, err)
	}
	if n == 0 {
		cur, err := r.GetException(ctx, e.ID)
		if err != nil {
			return e, err
		}
		return e, &store.StaleError{Kind: "exception", ID: strconv.FormatInt(e.ID, 10), Version: e.Version, Current: cur}
	}
	e.Version++
	return e, nil
}

// ListExceptions implements store.Repo.
func (r *Repo) ListExceptions(ctx context.Context, f store.ExceptionFilter) ([]store.Exception, error) {
	w := &where{d: r.D}
	if f.SystemID != "" {
		w.eq("system_id", f.SystemID)
	}
	if len(f.State) > 0 {
		w.in("state", strs(f.State))
	}
	if f.ReviewBefore != "" {
		w.before("review_date", f.ReviewBefore)
	}
	clause, args := w.sql("id", f.Limit, f.Offset)
	rows, err := r.query(ctx, `SELECT `+r.exceptionCols()+` FROM exceptions`+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("listing exceptions: %w", err)
	}
	return collect(rows, scanException)
}

// ---- reviews

func (r *Repo) reviewCols() string {
	return `id, system_id, kind, state, model_version, since_version, ` + r.D.DateOut("due") +
		`, reviewer, completed_at, notes, version, created_at, updated_at`
}

func scanReview(row Row) (store.Review, error) {
	var v store.Review
	var kind, state string
	err := row.Scan(&v.ID, &v.SystemID, &kind, &state, &v.ModelVersion, &v.SinceVersion, &v.Due, &v.Reviewer,
		timeCol{&v.CompletedAt}, &v.Notes, &v.Version, timeCol{&v.CreatedAt}, timeCol{&v.UpdatedAt})
	v.Kind, v.State = store.ReviewKind(kind), store.ReviewState(state)
	return v, err
}

// CreateReview implements store.Repo.
func (r *Repo) CreateReview(ctx context.Context, v store.Review) (store.Review, error) {
	v.CreatedAt, v.UpdatedAt, v.Version = now(), now(), 1
	err := r.queryRow(ctx, `INSERT INTO reviews (system_id, kind, state, model_version, since_version, due, reviewer,
		completed_at, notes, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, `+r.D.DateIn(6)+`, $7, $8, $9, 1, $10, $11) RETURNING id`,
		v.SystemID, string(v.Kind), string(v.State), v.ModelVersion, v.SinceVersion, v.Due, v.Reviewer,
		r.D.Time(v.CompletedAt), v.Notes, r.D.Time(v.CreatedAt), r.D.Time(v.UpdatedAt)).Scan(&v.ID)
	if err != nil {
		return v, r.wrapInsert(err, "review of", v.SystemID)
	}
	return v, nil
}

// GetReview implements store.Repo.
func (r *Repo) GetReview(ctx context.Context, id int64) (store.Review, error) {
	v, err := scanReview(r.queryRow(ctx, `SELECT `+r.reviewCols()+` FROM reviews WHERE id = $1`, id))
	if err != nil {
		return v, r.notFound(err, "review", strconv.FormatInt(id, 10))
	}
	return v, nil
}

// UpdateReview implements store.Repo.
func (r *Repo) UpdateReview(ctx context.Context, v store.Review) (store.Review, error) {
	v.UpdatedAt = now()
	n, err := r.exec(ctx, `UPDATE reviews SET state = $1, model_version = $2, since_version = $3, due = `+r.D.DateIn(4)+`,
		reviewer = $5, completed_at = $6, notes = $7, version = version + 1, updated_at = $8
		WHERE id = $9 AND version = $10`,
		string(v.State), v.ModelVersion, v.SinceVersion, v.Due, v.Reviewer, r.D.Time(v.CompletedAt), v.Notes,
		r.D.Time(v.UpdatedAt), v.ID, v.Version)
	if err != nil {
		return v, fmt.Errorf("updating review %d: %w", v.ID, err)
	}
	if n == 0 {
		cur, err := r.GetReview(ctx, v.ID)
		if err != nil {
			return v, err
		}
		return v, &store.StaleError{Kind: "review", ID: strconv.FormatInt(v.ID, 10), Version: v.Version, Current: cur}
	}
	v.Version++
	return v, nil
}

// ListReviews implements store.Repo.
func (r *Repo) ListReviews(ctx context.Context, f store.ReviewFilter) ([]store.Review, error) {
	w := &where{d: r.D}
	if f.SystemID != "" {
		w.eq("system_id", f.SystemID)
	}
	if len(f.State) > 0 {
		w.in("state", strs(f.State))
	}
	if f.Kind != "" {
		w.eq("kind", string(f.Kind))
	}
	if f.DueBefore != "" {
		w.before("due", f.DueBefore)
	}
	clause, args := w.sql("id", f.Limit, f.Offset)
	rows, err := r.query(ctx, `SELECT `+r.reviewCols()+` FROM reviews`+clause, args...)
	if err != nil {
		return nil, fmt.Errorf("listing reviews: %w", err)
	}
	return collect(rows, scanReview)
}
