package sqlrepo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

var _ store.Repo = (*Repo)(nil)

func (r *Repo) notFound(err error, kind, id string) error {
	if errors.Is(err, ErrNoRows) {
		return store.NotFound(kind, id)
	}
	return fmt.Errorf("reading %s %q: %w", kind, id, err)
}

func (r *Repo) wrapInsert(err error, kind, id string) error {
	if r.D.IsUnique(err) {
		return fmt.Errorf("%s %q: %w", kind, id, store.ErrExists)
	}
	return fmt.Errorf("storing %s %q: %w", kind, id, err)
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the register's own types are marshalled; they always encode.
		panic(fmt.Sprintf("store: encoding %T: %v", v, err))
	}
	return b
}

func now() time.Time { return time.Now().UTC() }

// ---- policy

// GetPolicy implements store.Repo.
func (r *Repo) GetPolicy(ctx context.Context) (store.Policy, error) {
	var doc []byte
	var p store.Policy
	var version int64
	var at time.Time
	var by string
	err := r.queryRow(ctx, `SELECT doc, version, updated_at, updated_by FROM policy WHERE id = 1`).
		Scan(jsonCol{&doc}, &version, timeCol{&at}, &by)
	if errors.Is(err, ErrNoRows) {
		return store.DefaultPolicy(), nil
	}
	if err != nil {
		return p, fmt.Errorf("reading the policy: %w", err)
	}
	if err := json.Unmarshal(doc, &p); err != nil {
		return p, fmt.Errorf("decoding the policy: %w", err)
	}
	p.Version, p.UpdatedAt, p.UpdatedBy = version, at, by
	return p, nil
}

// LockTiers implements store.Repo.
func (r *Repo) LockTiers(ctx context.Context) error {
	if r.D.LockTiers == "" {
		return nil
	}
	if _, err := r.exec(ctx, r.D.LockTiers); err != nil {
		return fmt.Errorf("locking the tiers: %w", err)
	}
	return nil
}

// PutPolicy implements store.Repo.
func (r *Repo) PutPolicy(ctx context.Context, p store.Policy) (store.Policy, error) {
	old := p.Version
	p.UpdatedAt = now()
	doc := p
	doc.Version, doc.UpdatedAt, doc.UpdatedBy = 0, time.Time{}, ""
	var n int64
	var err error
	if old == 0 {
		n, err = r.exec(ctx, `INSERT INTO policy (id, doc, version, updated_at, updated_by)
			VALUES (1, $1, 1, $2, $3) ON CONFLICT (id) DO NOTHING`,
			r.D.JSON(marshal(doc)), r.D.Time(p.UpdatedAt), p.UpdatedBy)
	} else {
		n, err = r.exec(ctx, `UPDATE policy SET doc = $1, version = version + 1, updated_at = $2, updated_by = $3
			WHERE id = 1 AND version = $4`,
			r.D.JSON(marshal(doc)), r.D.Time(p.UpdatedAt), p.UpdatedBy, old)
	}
	if err != nil {
		return p, fmt.Errorf("storing the policy: %w", err)
	}
	if n == 0 {
		cur, err := r.GetPolicy(ctx)
		if err != nil {
			return p, err
		}
		return p, &store.StaleError{Kind: "policy", ID: "policy", Version: old, Current: cur}
	}
	p.Version = old + 1
	return p, nil
}

// ---- systems

const systemCols = `id, name, owner_team, risk_owner, sro, classification, tier, latest_version, version, created_at, updated_at`

func scanSystem(row Row) (store.System, error) {
	var s store.System
	var class string
	err := row.Scan(&s.ID, &s.Name, &s.OwnerTeam, &s.RiskOwner, &s.SRO, &class, &s.Tier,
		&s.LatestVersion, &s.Version, timeCol{&s.CreatedAt}, timeCol{&s.UpdatedAt})
	s.Classification = model.Classification(class)
	return s, err
}

// CreateSystem implements store.Repo.
func (r *Repo) CreateSystem(ctx context.Context, s store.System) (store.System, error) {
	s.CreatedAt, s.UpdatedAt, s.Version = now(), now(), 1
	_, err := r.exec(ctx, `INSERT INTO systems (`+systemCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)`,
		s.ID, s.Name, s.OwnerTeam, s.RiskOwner, s.SRO, string(s.Classification), s.Tier, s.LatestVersion,
		r.D.Time(s.CreatedAt), r.D.Time(s.UpdatedAt))
	if err != nil {
		return s, r.wrapInsert(err, "system", s.ID)
	}
	return s, nil
}

// GetSystem implements store.Repo.
func (r *Repo) GetSystem(ctx context.Context, id string) (store.System, error) {
	s, err := scanSystem(r.queryRow(ctx, `SELECT `+systemCols+` FROM systems WHERE id = $1`, id))
	if err != nil {
		return s, r.notFound(err, "system", id)
	}
	return s, nil
}

// UpdateSystem implements store.Repo.
func (r *Repo) UpdateSystem(ctx context.Context, s store.System) (store.System, error) {
	s.UpdatedAt = now()
	n, err := r.exec(ctx, `UPDATE systems SET name = $1, owner_team = $2, risk_owner = $3, sro = $4,
		classification = $5, tier = $6, latest_version = $7, version = version + 1, updated_at = $8
		WHERE id = $9 AND version = $10`,
		s.Name, s.OwnerTeam, s.RiskOwner, s.SRO, string(s.Classification), s.Tier, s.LatestVersion,
		r.D.Time(s.UpdatedAt), s.ID, s.Version)
	if err != nil {
		return s, fmt.Errorf("updating system %q: %w", s.ID, err)
	}
	if n == 0 {
		cur, err := r.GetSystem(ctx, s.ID)
		if err != nil {
			return s, err
		}
		return s, &store.StaleError{Kind: "system", ID: s.ID, Version: s.Version, Current: cur}
	}
	s.Version++
	return s, nil
}

// ListSystems implements store.Repo.
func (r *Repo) ListSystems(ctx context.Context, limit, offset int) ([]store.System, error) {
	q := `SELECT ` + systemCols + ` FROM systems ORDER BY id`
	args := []any{}
	if limit > 0 {
		q += ` LIMIT $1 OFFSET $2`
		args = append(args, limit, offset)
	}
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing systems: %w", err)
	}
	return collect(rows, scanSystem)
}

func collect[T any](rows Rows, scan func(Row) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("reading a row: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading rows: %w", err)
	}
	return out, nil
}

// ---- model versions

const versionCols = `system_id, seq, digest, ref, pushed_by, pushed_at, n_new, n_changed, n_gone, n_threats`

func scanVersion(row Row, extra ...any) (store.ModelVersion, error) {
	var v store.ModelVersion
	dest := []any{&v.SystemID, &v.Seq, &v.Digest, &v.Ref, &v.PushedBy, timeCol{&v.PushedAt},
		&v.New, &v.Changed, &v.Gone, &v.Threats}
	err := row.Scan(append(dest, extra...)...)
	return v, err
}

// AddModelVersion implements store.Repo.
func (r *Repo) AddModelVersion(ctx context.Context, v store.ModelVersion) (store.ModelVersion, error) {
	if v.PushedAt.IsZero() {
		v.PushedAt = now()
	}
	err := r.queryRow(ctx, `INSERT INTO model_versions (system_id, seq, digest, source, result, ref, pushed_by, pushed_at,
		n_new, n_changed, n_gone, n_threats)
		VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM model_versions WHERE system_id = $1),
		$2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq`,
		v.SystemID, v.Digest, v.Source, r.D.JSON(v.Result), v.Ref, v.PushedBy, r.D.Time(v.PushedAt),
		v.New, v.Changed, v.Gone, v.Threats).Scan(&v.Seq)
	if err != nil {
		return v, r.wrapInsert(err, "model version of", v.SystemID)
	}
	return v, nil
}

// GetModelVersion implements store.Repo.
func (r *Repo) GetModelVersion(ctx context.Context, systemID string, seq int) (store.ModelVersion, error) {
	var src, res []byte
	v, err := scanVersion(r.queryRow(ctx, `SELECT `+versionCols+`, source, result FROM model_versions
		WHERE system_id = $1 AND seq = $2`, systemID, seq), jsonCol{&src}, jsonCol{&res})
	if err != nil {
		return v, r.notFound(err, "model version", systemID+"@"+strconv.Itoa(seq))
	}
	v.Source, v.Result = src, res
	return v, nil
}

// ListModelVersions implements store.Repo.
func (r *Repo) ListModelVersions(ctx context.Context, systemID string) ([]store.ModelVersion, error) {
	rows, err := r.query(ctx, `SELECT `+versionCols+` FROM model_versions WHERE system_id = $1 ORDER BY seq DESC`, systemID)
	if err != nil {
		return nil, fmt.Errorf("listing versions of %q: %w", systemID, err)
	}
	return collect(rows, func(row Row) (store.ModelVersion, error) { return scanVersion(row) })
}

// AddVersionChanges implements store.Repo.
func (r *Repo) AddVersionChanges(ctx context.Context, changes []store.VersionChange) error {
	const cols = 10
	return r.batch(ctx, len(changes), cols, `INSERT INTO version_changes (system_id, seq, threat_id, change,
		before_likelihood, before_impact, before_severity, after_likelihood, after_impact, after_severity) VALUES `,
		func(i int) []any {
			c := changes[i]
			return []any{c.SystemID, c.Seq, c.ThreatID, string(c.Change),
				c.Before.Likelihood, c.Before.Impact, string(c.Before.Severity),
				c.After.Likelihood, c.After.Impact, string(c.After.Severity)}
		})
}

// batch inserts n rows of cols columns in statements of up to 200 rows.
func (r *Repo) batch(ctx context.Context, n, cols int, head string, row func(i int) []any) error {
	const per = 200
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+c+1))
			}
			b.WriteByte(')')
			args = append(args, row(i)...)
		}
		if _, err := r.exec(ctx, b.String(), args...); err != nil {
			if r.D.IsUnique(err) {
				return fmt.Errorf("inserting rows: %w", store.ErrExists)
			}
			return fmt.Errorf("inserting rows: %w", err)
		}
	}
	return nil
}

// ListVersionChanges implements store.Repo.
func (r *Repo) ListVersionChanges(ctx context.Context, systemID string, since, until int) ([]store.VersionChange, error) {
	if until <= 0 {
		until = int(^uint32(0) >> 1)
	}
	rows, err := r.query(ctx, `SELECT system_id, seq, threat_id, change, before_likelihood, before_impact, before_severity,
		after_likelihood, after_impact, after_severity FROM version_changes
		WHERE system_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq, threat_id`, systemID, since, until)
	if err != nil {
		return nil, fmt.Errorf("listing changes of %q: %w", systemID, err)
	}
	return collect(rows, func(row Row) (store.VersionChange, error) {
		var c store.VersionChange
		var ch, bs, as string
		err := row.Scan(&c.SystemID, &c.Seq, &c.ThreatID, &ch, &c.Before.Likelihood, &c.Before.Impact, &bs,
			&c.After.Likelihood, &c.After.Impact, &as)
		c.Change, c.Before.Severity, c.After.Severity = store.Change(ch), model.Severity(bs), model.Severity(as)
		return c, err
	})
}

// ---- threats

func (r *Repo) threatCols() string {
	// A threat that is not gone was found by the system's latest version.
	return `system_id, id, rule, title, category, stride, targets, likelihood, impact, severity, fingerprint,
		first_seen, CASE WHEN gone THEN last_seen ELSE COALESCE((SELECT latest_version FROM systems
		WHERE systems.id = threats.system_id), last_seen) END, gone, status, owner, ` + r.D.DateOut("due") +
		`, acceptance_id, version, updated_at`
}

func scanThreat(row Row) (store.Threat, error) {
	var t store.Threat
	var stride, targets []byte
	var sev, status string
	err := row.Scan(&t.SystemID, &t.ID, &t.Rule, &t.Title, &t.Category, jsonCol{&stride}, jsonCol{&targets},
		&t.Risk.Likelihood, &t.Risk.Impact, &sev, &t.Fingerprint, &t.FirstSeen, &t.LastSeen, &t.Gone,
		&status, &t.Owner, &t.Due, &t.AcceptanceID, &t.Version, timeCol{&t.UpdatedAt})
	if err != nil {
		return t, err
	}
	t.Risk.Severity, t.Status = model.Severity(sev), model.TreatmentStatus(status)
	if err := json.Unmarshal(stride, &t.STRIDE); err != nil {
		return t, fmt.Errorf("threat %s stride: %w", t.ID, err)
	}
	if err := json.Unmarshal(targets, &t.Targets); err != nil {
		return t, fmt.Errorf("threat %s targets: %w", t.ID, err)
	}
	return t, nil
}

// GetThreat implements store.Repo.
func (r *Repo) GetThreat(ctx context.Context, systemID, threatID string) (store.Threat, error) {
	t, err := scanThreat(r.queryRow(ctx, `SELECT `+r.threatCols()+` FROM threats WHERE system_id = $1 AND id = $2`,
		systemID, threatID))
	if err != nil {
		return t, r.notFound(err, "threat", systemID+"/"+threatID)
	}
	return t, nil
}

// threatWhere builds the WHERE clause of a filter from fixed fragments;
// every value travels as a parameter. Lists of states and severities are
// short (their enums), so each value gets its own parameter: the planner
// then knows how many there are. Severities are matched by their rank,
// which the register's indexes hold beside the state, so that counting a
// filter reads the index alone.
func (r *Repo) threatWhere(f store.ThreatFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	oneOf := func(col string, vs []any) {
		if len(vs) == 1 {
			add(col+" = $?", vs[0])
			return
		}
		ps := make([]string, len(vs))
		for i, v := range vs {
			args = append(args, v)
			ps[i] = "$" + strconv.Itoa(len(args))
		}
		conds = append(conds, col+" IN ("+strings.Join(ps, ", ")+")")
	}
	if f.SystemID != "" {
		add("system_id = $?", f.SystemID)
	}
	if !f.IncludeGone {
		conds = append(conds, "NOT gone")
	}
	if len(f.Status) > 0 {
		vs := make([]any, len(f.Status))
		for i, st := range f.Status {
			vs[i] = string(st)
		}
		oneOf("status", vs)
	}
	if len(f.Severity) > 0 {
		col, vs := "severity_rank", make([]any, len(f.Severity))
		for i, sv := range f.Severity {
			vs[i] = sv.Rank()
			if sv.Rank() == 0 { // not a severity: match the text, which nothing has
				col = "severity"
			}
		}
		if col == "severity" {
			for i, sv := range f.Severity {
				vs[i] = string(sv)
			}
		}
		oneOf(col, vs)
	}
	if f.Owner != "" {
		add("owner = $?", f.Owner)
	}
	if f.Rule != "" {
		add("rule = $?", f.Rule)
	}
	if f.Category != "" {
		// STRIDE is a JSON array of words; its text holds each one quoted.
		args = append(args, f.Category, `%"`+strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Category)+`"%`)
		conds = append(conds, fmt.Sprintf(`(category = $%d OR CAST(stride AS TEXT) LIKE $%d ESCAPE '\')`, len(args)-1, len(args)))
	}
	if f.DueBefore != "" {
		args = append(args, f.DueBefore)
		conds = append(conds, "due < "+r.D.DateIn(len(args)))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func strs[S ~string](in []S) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}

// threatOrder is the ORDER BY of each sort; ties go by system and threat id.
var threatOrder = map[string]string{
	"":          "system_id, id",
	"id":        "system_id, id",
	"-id":       "system_id DESC, id DESC",
	"severity":  "severity_rank, system_id, id",
	"-severity": "severity_rank DESC, system_id, id",
	"due":       "due IS NULL, due, system_id, id",
	"-due":      "due IS NULL, due DESC, system_id, id",
	"updated":   "updated_at, system_id, id",
	"-updated":  "updated_at DESC, system_id, id",
}

// ListThreats implements store.Repo.
func (r *Repo) ListThreats(ctx context.Context, f store.ThreatFilter) ([]store.Threat, error) {
	where, args := r.threatWhere(f)
	order, ok := threatOrder[f.Sort]
	if !ok {
		return nil, fmt.Errorf("listing threats: unknown sort %q (one of %s)", f.Sort, store.ThreatSorts)
	}
	// With a DueBefore bound there are no missing dates, and the due
	// index gives the order.
	if f.DueBefore != "" && f.Sort == "due" {
		order = "due, system_id, id"
	}
	order = " ORDER BY " + order
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	n := len(args)
	q := `SELECT ` + r.threatCols() + ` FROM threats` + where + order +
		` LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2)
	rows, err := r.query(ctx, q, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("listing threats: %w", err)
	}
	return collect(rows, scanThreat)
}

// CountThreats implements store.Repo.
func (r *Repo) CountThreats(ctx context.Context, f store.ThreatFilter) (int, error) {
	where, args := r.threatWhere(f)
	var n int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM threats`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting threats: %w", err)
	}
	return n, nil
}

// SystemThreats implements store.Repo.
func (r *Repo) SystemThreats(ctx context.Context, systemID string) ([]store.Threat, error) {
	rows, err := r.query(ctx, `SELECT `+r.threatCols()+` FROM threats WHERE system_id = $1 ORDER BY id`, systemID)
	if err != nil {
		return nil, fmt.Errorf("listing threats of %q: %w", systemID, err)
	}
	return collect(rows, scanThreat)
}

// InsertThreats implements store.Repo.
func (r *Repo) InsertThreats(ctx context.Context, ts []store.Threat) error {
	at := now()
	const head = `INSERT INTO threats (system_id, id, rule, title, category, stride, targets, likelihood, impact,
		severity, severity_rank, fingerprint, first_seen, last_seen, gone, status, owner, due, acceptance_id, version,
		updated_at) VALUES `
	// The due date needs the dialect's cast, so rows are built here rather than by batch.
	const per = 200
	const cols = 21
	for start := 0; start < len(ts); start += per {
		end := min(start+per, len(ts))
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			t := ts[i]
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for c := range cols {
				if c > 0 {
					b.WriteString(", ")
				}
				n := len(args) + c + 1
				if c == 17 {
					b.WriteString(r.D.DateIn(n))
				} else {
					b.WriteString("$" + strconv.Itoa(n))
				}
			}
			b.WriteByte(')')
			status := t.Status
			if status == "" {
				status = "open"
			}
			args = append(args, t.SystemID, t.ID, t.Rule, t.Title, t.Category,
				r.D.JSON(marshal(orEmpty(t.STRIDE))), r.D.JSON(marshal(orEmpty(t.Targets))),
				t.Risk.Likelihood, t.Risk.Impact, string(t.Risk.Severity), t.Risk.Severity.Rank(), t.Fingerprint,
				t.FirstSeen, t.LastSeen, t.Gone, string(status), t.Owner, t.Due, t.AcceptanceID, 1, r.D.Time(at))
		}
		if _, err := r.exec(ctx, b.String(), args...); err != nil {
			if r.D.IsUnique(err) {
				return fmt.Errorf("inserting threats: %w", store.ErrExists)
			}
			return fmt.Errorf("inserting threats: %w", err)
		}
	}
	return nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// UpdateThreat implements store.Repo.
func (r *Repo) UpdateThreat(ctx context.Context, t store.Threat) (store.Threat, error) {
	t.UpdatedAt = now()
	n, err := r.exec(ctx, `UPDATE threats SET rule = $1, title = $2, category = $3, stride = $4, targets = $5,
		likelihood = $6, impact = $7, severity = $8, severity_rank = $9, fingerprint = $10, first_seen = $11,
		last_seen = $12, gone = $13, status = $14, owner = $15, due = `+r.D.DateIn(16)+`, acceptance_id = $17,
		version = version + 1, updated_at = $18
		WHERE system_id = $19 AND id = $20 AND version = $21`,
		t.Rule, t.Title, t.Category, r.D.JSON(marshal(orEmpty(t.STRIDE))), r.D.JSON(marshal(orEmpty(t.Targets))),
		t.Risk.Likelihood, t.Risk.Impact, string(t.Risk.Severity), t.Risk.Severity.Rank(), t.Fingerprint, t.FirstSeen,
		t.LastSeen, t.Gone, string(t.Status), t.Owner, t.Due, t.AcceptanceID, r.D.Time(t.UpdatedAt),
		t.SystemID, t.ID, t.Version)
	if err != nil {
		return t, fmt.Errorf("updating threat %s/%s: %w", t.SystemID, t.ID, err)
	}
	if n == 0 {
		cur, err := r.GetThreat(ctx, t.SystemID, t.ID)
		if err != nil {
			return t, err
		}
		return t, &store.StaleError{Kind: "threat", ID: t.SystemID + "/" + t.ID, Version: t.Version, Current: cur}
	}
	t.Version++
	return t, nil
}

// UpdateThreatAnalysis implements store.Repo.
func (r *Repo) UpdateThreatAnalysis(ctx context.Context, ts []store.Threat) error {
	at := r.D.Time(now())
	for _, t := range ts {
		n, err := r.exec(ctx, `UPDATE threats SET rule = $1, title = $2, category = $3, stride = $4, targets = $5,
			likelihood = $6, impact = $7, severity = $8, severity_rank = $9, fingerprint = $10, last_seen = $11,
			gone = $12, version = version + 1, updated_at = $13 WHERE system_id = $14 AND id = $15`,
			t.Rule, t.Title, t.Category, r.D.JSON(marshal(orEmpty(t.STRIDE))), r.D.JSON(marshal(orEmpty(t.Targets))),
			t.Risk.Likelihood, t.Risk.Impact, string(t.Risk.Severity), t.Risk.Severity.Rank(), t.Fingerprint,
			t.LastSeen, t.Gone, at, t.SystemID, t.ID)
		if err != nil {
			return fmt.Errorf("updating threat %s/%s: %w", t.SystemID, t.ID, err)
		}
		if n == 0 {
			return store.NotFound("threat", t.SystemID+"/"+t.ID)
		}
	}
	return nil
}

// AddThreatEvents implements store.Repo.
func (r *Repo) AddThreatEvents(ctx context.Context, evs []store.ThreatEvent) error {
	return r.batch(ctx, len(evs), 6, `INSERT INTO threat_events (system_id, threat_id, at, actor, kind, text) VALUES `,
		func(i int) []any {
			e := evs[i]
			at := e.At
			if at.IsZero() {
				at = now()
			}
			return []any{e.SystemID, e.ThreatID, r.D.Time(at), e.Actor, e.Kind, e.Text}
		})
}

// ListThreatEvents implements store.Repo.
func (r *Repo) ListThreatEvents(ctx context.Context, systemID, threatID string) ([]store.ThreatEvent, error) {
	rows, err := r.query(ctx, `SELECT id, system_id, threat_id, at, actor, kind, text FROM threat_events
		WHERE system_id = $1 AND threat_id = $2 ORDER BY id`, systemID, threatID)
	if err != nil {
		return nil, fmt.Errorf("listing history of %s/%s: %w", systemID, threatID, err)
	}
	return collect(rows, func(row Row) (store.ThreatEvent, error) {
		var e store.ThreatEvent
		err := row.Scan(&e.ID, &e.SystemID, &e.ThreatID, timeCol{&e.At}, &e.Actor, &e.Kind, &e.Text)
		return e, err
	})
}
