package sqlrepo

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/store"
)

const alertCols = `id, system_id, rule_id, title, level, kind, techniques, components, threats, grp, count,
	first_seen, last_seen, source, event`

func scanAlert(row Row) (store.Alert, error) {
	var a store.Alert
	var tech, comps, threats, grp, ev []byte
	err := row.Scan(&a.ID, &a.SystemID, &a.RuleID, &a.Title, &a.Level, &a.Kind, jsonCol{&tech}, jsonCol{&comps},
		jsonCol{&threats}, jsonCol{&grp}, &a.Count, timeCol{&a.FirstSeen}, timeCol{&a.LastSeen}, &a.Source, jsonCol{&ev})
	if err != nil {
		return a, err
	}
	for _, c := range []struct {
		doc []byte
		v   any
	}{{tech, &a.Techniques}, {comps, &a.Components}, {threats, &a.Threats}, {grp, &a.Group}} {
		if err := json.Unmarshal(c.doc, c.v); err != nil {
			return a, fmt.Errorf("alert %d: %w", a.ID, err)
		}
	}
	if len(ev) > 0 && string(ev) != "null" {
		a.Event = ev
	}
	return a, nil
}

func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// RecordAlerts implements store.Repo. Callers run it in a transaction, so
// that the groups' counts and the occurrences are stored together; two
// writers of one fingerprint at once meet on its primary key and the
// second fails with store.ErrExists (and finds it stored when it retries).
// The statements are per batch and per group, not per occurrence.
func (r *Repo) RecordAlerts(ctx context.Context, occ []store.AlertOccurrence) (int, error) {
	if len(occ) == 0 {
		return 0, nil
	}
	fps := make([]string, 0, len(occ))
	for _, o := range occ {
		fps = append(fps, o.Fingerprint)
	}
	rows, err := r.query(ctx, `SELECT fingerprint FROM alert_occurrences WHERE `+r.D.In("fingerprint", 1), r.D.List(fps))
	if err != nil {
		return 0, fmt.Errorf("looking up alerts: %w", err)
	}
	stored, err := collect(rows, func(row Row) (string, error) {
		var fp string
		return fp, row.Scan(&fp)
	})
	if err != nil {
		return 0, err
	}
	seen := make(map[string]bool, len(occ))
	for _, fp := range stored {
		seen[fp] = true
	}
	// The new occurrences, by group, in their first order.
	type group struct {
		a           store.Alert
		n           int64
		first, last time.Time
		fps         []string
		ats         []time.Time
	}
	var order []string
	groups := map[string]*group{}
	for _, o := range occ {
		if seen[o.Fingerprint] {
			continue
		}
		seen[o.Fingerprint] = true
		key := o.Alert.GroupKey()
		at := o.At.UTC()
		g := groups[key]
		if g == nil {
			g = &group{a: o.Alert, first: at, last: at}
			groups[key] = g
			order = append(order, key)
		}
		g.n++
		g.fps, g.ats = append(g.fps, o.Fingerprint), append(g.ats, at)
		if at.Before(g.first) {
			g.first = at
		}
		if !at.Before(g.last) {
			g.last, g.a.Source, g.a.Event = at, o.Alert.Source, o.Alert.Event
		}
	}
	added := 0
	for _, key := range order {
		g := groups[key]
		id, err := r.upsertAlert(ctx, key, g.a, g.n, g.first, g.last)
		if err != nil {
			return 0, err
		}
		if err := r.insertOccurrences(ctx, id, g.fps, g.ats); err != nil {
			return 0, err
		}
		added += int(g.n)
	}
	return added, nil
}

// upsertAlert adds n occurrences seen from first to last to a group,
// creating it (with its targets) on its first, and returns its id.
func (r *Repo) upsertAlert(ctx context.Context, key string, a store.Alert, n int64, first, last time.Time) (int64, error) {
	ev := []byte(a.Event)
	if len(ev) == 0 {
		ev = []byte("null")
	}
	grp := a.Group
	if grp == nil {
		grp = map[string]string{}
	}
	var id, count int64
	err := r.queryRow(ctx, `INSERT INTO alerts (system_id, group_key, rule_id, title, level, kind, techniques, components,
			threats, grp, count, first_seen, last_seen, source, event)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (group_key) DO UPDATE SET count = alerts.count + excluded.count,
			first_seen = CASE WHEN excluded.first_seen < alerts.first_seen THEN excluded.first_seen ELSE alerts.first_seen END,
			source = CASE WHEN excluded.last_seen >= alerts.last_seen THEN excluded.source ELSE alerts.source END,
			event = CASE WHEN excluded.last_seen >= alerts.last_seen THEN excluded.event ELSE alerts.event END,
			last_seen = CASE WHEN excluded.last_seen > alerts.last_seen THEN excluded.last_seen ELSE alerts.last_seen END
		RETURNING id, count`,
		a.SystemID, key, a.RuleID, a.Title, a.Level, a.Kind, r.D.JSON(marshal(list(a.Techniques))),
		r.D.JSON(marshal(list(a.Components))), r.D.JSON(marshal(list(a.Threats))), r.D.JSON(marshal(grp)),
		n, r.D.Time(first), r.D.Time(last), a.Source, r.D.JSON(ev)).Scan(&id, &count)
	if err != nil {
		return 0, fmt.Errorf("storing alert %q of system %q: %w", a.Title, a.SystemID, err)
	}
	if count == n { // a new group
		for _, t := range []struct {
			kind string
			refs []string
		}{{"component", a.Components}, {"threat", a.Threats}} {
			for _, ref := range t.refs {
				if _, err := r.exec(ctx, `INSERT INTO alert_targets (alert_id, kind, ref) VALUES ($1, $2, $3)
					ON CONFLICT (alert_id, kind, ref) DO NOTHING`, id, t.kind, ref); err != nil {
					return 0, fmt.Errorf("storing alert %d's %s %q: %w", id, t.kind, ref, err)
				}
			}
		}
	}
	return id, nil
}

// insertOccurrences records the fingerprints of a group's occurrences,
// many rows a statement.
func (r *Repo) insertOccurrences(ctx context.Context, id int64, fps []string, ats []time.Time) error {
	const per = 300
	for start := 0; start < len(fps); start += per {
		end := min(start+per, len(fps))
		var b strings.Builder
		b.WriteString(`INSERT INTO alert_occurrences (fingerprint, alert_id, at, stored_at) VALUES `)
		stored := r.D.Time(now())
		args := make([]any, 0, 4*(end-start))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, fps[i], id, r.D.Time(ats[i]), stored)
		}
		if _, err := r.exec(ctx, b.String(), args...); err != nil {
			return r.wrapInsert(err, "alert occurrence", fps[start])
		}
	}
	return nil
}

// GetAlert implements store.Repo.
func (r *Repo) GetAlert(ctx context.Context, id int64) (store.Alert, error) {
	a, err := scanAlert(r.queryRow(ctx, `SELECT `+alertCols+` FROM alerts WHERE id = $1`, id))
	if err != nil {
		return a, r.notFound(err, "alert", strconv.FormatInt(id, 10))
	}
	return a, nil
}

func (r *Repo) alertWhere(f store.AlertFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if f.SystemID != "" {
		add("system_id = $?", f.SystemID)
	}
	if f.Systems != nil {
		args = append(args, r.D.List(list(f.Systems)))
		conds = append(conds, r.D.In("system_id", len(args)))
	}
	if f.Rule != "" {
		args = append(args, f.Rule)
		n := "$" + strconv.Itoa(len(args))
		conds = append(conds, "(rule_id = "+n+" OR title = "+n+")")
	}
	if len(f.Level) > 0 {
		args = append(args, r.D.List(f.Level))
		conds = append(conds, r.D.In("level", len(args)))
	}
	if f.Component != "" {
		add("EXISTS (SELECT 1 FROM alert_targets t WHERE t.alert_id = alerts.id AND t.kind = 'component' AND t.ref = $?)", f.Component)
	}
	if f.Threat != "" {
		add("EXISTS (SELECT 1 FROM alert_targets t WHERE t.alert_id = alerts.id AND t.kind = 'threat' AND t.ref = $?)", f.Threat)
	}
	if !f.Since.IsZero() {
		add("last_seen >= $?", r.D.Time(f.Since.UTC()))
	}
	if !f.Until.IsZero() {
		add("first_seen < $?", r.D.Time(f.Until.UTC()))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListAlerts implements store.Repo.
func (r *Repo) ListAlerts(ctx context.Context, f store.AlertFilter) ([]store.Alert, error) {
	where, args := r.alertWhere(f)
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	n := len(args)
	rows, err := r.query(ctx, `SELECT `+alertCols+` FROM alerts`+where+` ORDER BY last_seen DESC, id DESC
		LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("listing alerts: %w", err)
	}
	return collect(rows, scanAlert)
}

// CountAlerts implements store.Repo.
func (r *Repo) CountAlerts(ctx context.Context, f store.AlertFilter) (int, error) {
	where, args := r.alertWhere(f)
	var n int
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM alerts`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting alerts: %w", err)
	}
	return n, nil
}

// AlertTotals implements store.Repo.
func (r *Repo) AlertTotals(ctx context.Context) (store.AlertTotals, error) {
	var out store.AlertTotals
	rows, err := r.query(ctx, `SELECT system_id, CASE WHEN rule_id = '' THEN title ELSE rule_id END, level, CAST(SUM(count) AS bigint)
		FROM alerts GROUP BY system_id, CASE WHEN rule_id = '' THEN title ELSE rule_id END, level
		ORDER BY system_id, 2, level`)
	if err != nil {
		return out, fmt.Errorf("alert totals by rule: %w", err)
	}
	if out.ByRule, err = collect(rows, func(row Row) (store.AlertTotal, error) {
		var t store.AlertTotal
		return t, row.Scan(&t.SystemID, &t.Key, &t.Level, &t.Count)
	}); err != nil {
		return out, err
	}
	rows, err = r.query(ctx, `SELECT a.system_id, t.ref, CAST(SUM(a.count) AS bigint)
		FROM alerts a JOIN alert_targets t ON t.alert_id = a.id AND t.kind = 'threat'
		GROUP BY a.system_id, t.ref ORDER BY a.system_id, t.ref`)
	if err != nil {
		return out, fmt.Errorf("alert totals by threat: %w", err)
	}
	out.ByThreat, err = collect(rows, func(row Row) (store.AlertTotal, error) {
		var t store.AlertTotal
		return t, row.Scan(&t.SystemID, &t.Key, &t.Count)
	})
	return out, err
}

// PruneAlertOccurrences implements store.Repo.
func (r *Repo) PruneAlertOccurrences(ctx context.Context, before time.Time) (int64, error) {
	n, err := r.exec(ctx, `DELETE FROM alert_occurrences WHERE stored_at < $1`, r.D.Time(before.UTC()))
	if err != nil {
		return 0, fmt.Errorf("pruning alert occurrences: %w", err)
	}
	return n, nil
}
