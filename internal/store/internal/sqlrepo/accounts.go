package sqlrepo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
)

// ---- audit trail

// AuditHead implements store.Repo.
func (r *Repo) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := r.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+r.D.ForUpdate).Scan(&seq, &hash)
	if err != nil {
		return 0, "", fmt.Errorf("reading the audit head: %w", err)
	}
	return seq, hash, nil
}

// AppendAudit implements store.Repo.
func (r *Repo) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	n, err := r.exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3`, e.Seq, e.Hash, e.Seq-1)
	if err != nil {
		return fmt.Errorf("moving the audit head: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("audit entry %d does not follow the head: %w", e.Seq, store.ErrExists)
	}
	_, err = r.exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, object, data, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.Seq, r.D.Time(e.At), e.Actor, e.Action, e.Object, string(e.Data), e.PrevHash, e.Hash)
	if err != nil {
		return r.wrapInsert(err, "audit entry", strconv.FormatInt(e.Seq, 10))
	}
	return nil
}

// auditMaxPage is the most audit entries one ListAudit returns.
const auditMaxPage = 1000

// ListAudit implements store.Repo. Prefix matches compare a substring of
// the column's leading characters, not LIKE, so that no character of the
// filter is a wildcard and both engines compare case-sensitively.
func (r *Repo) ListAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 || limit > auditMaxPage {
		limit = auditMaxPage
	}
	args := []any{f.After}
	where := ` WHERE seq > $1`
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Actor != "" {
		where += ` AND actor = ` + arg(f.Actor)
	}
	if f.Action != "" {
		if strings.Contains(f.Action, ".") {
			where += ` AND action = ` + arg(f.Action)
		} else {
			kind := f.Action + "."
			where += ` AND substr(action, 1, ` + arg(utf8.RuneCountInString(kind)) + `) = ` + arg(kind)
		}
	}
	if f.Object != "" {
		obj := strings.TrimSuffix(f.Object, "/")
		under := obj + "/"
		where += ` AND (object = ` + arg(obj) + ` OR substr(object, 1, ` + arg(utf8.RuneCountInString(under)) + `) = ` + arg(under) + `)`
	}
	if !f.From.IsZero() {
		where += ` AND at >= ` + arg(r.D.Time(f.From))
	}
	if !f.To.IsZero() {
		where += ` AND at < ` + arg(r.D.Time(f.To))
	}
	rows, err := r.query(ctx, `SELECT seq, at, actor, action, object, data, prev_hash, hash FROM audit_log`+
		where+` ORDER BY seq LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("reading the audit trail: %w", err)
	}
	return collect(rows, func(row Row) (store.AuditEntry, error) {
		var e store.AuditEntry
		var data string
		err := row.Scan(&e.Seq, timeCol{&e.At}, &e.Actor, &e.Action, &e.Object, &data, &e.PrevHash, &e.Hash)
		e.Data = json.RawMessage(data)
		return e, err
	})
}

// ---- users

func (r *Repo) userCols() string {
	return `id, name, display_name, email, password_hash, grants, clearance, disabled, failed_logins, locked_until,
		COALESCE(oidc_subject, ''), version, created_at, updated_at`
}

func scanUser(row Row) (store.User, error) {
	var u store.User
	var grants []byte
	var clearance string
	err := row.Scan(&u.ID, &u.Name, &u.DisplayName, &u.Email, &u.PasswordHash, jsonCol{&grants}, &clearance,
		&u.Disabled, &u.FailedLogins, timeCol{&u.LockedUntil}, &u.OIDCSubject, &u.Version,
		timeCol{&u.CreatedAt}, timeCol{&u.UpdatedAt})
	if err != nil {
		return u, err
	}
	u.Clearance = model.Classification(clearance)
	if err := json.Unmarshal(grants, &u.Grants); err != nil {
		return u, fmt.Errorf("user %s grants: %w", u.Name, err)
	}
	return u, nil
}

// CreateUser implements store.Repo.
func (r *Repo) CreateUser(ctx context.Context, u store.User) (store.User, error) {
	u.CreatedAt, u.UpdatedAt, u.Version = now(), now(), 1
	err := r.queryRow(ctx, `INSERT INTO users (name, display_name, email, password_hash, grants, clearance, disabled,
		failed_logins, locked_until, oidc_subject, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12) RETURNING id`,
		u.Name, u.DisplayName, u.Email, u.PasswordHash, r.D.JSON(marshal(orEmpty(u.Grants))), string(u.Clearance),
		u.Disabled, u.FailedLogins, r.D.Time(u.LockedUntil), nullString(u.OIDCSubject),
		r.D.Time(u.CreatedAt), r.D.Time(u.UpdatedAt)).Scan(&u.ID)
	if err != nil {
		return u, r.wrapInsert(err, "user", u.Name)
	}
	return u, nil
}

func (r *Repo) getUser(ctx context.Context, col string, v any, id string) (store.User, error) {
	u, err := scanUser(r.queryRow(ctx, `SELECT `+r.userCols()+` FROM users WHERE `+col+` = $1`, v))
	if err != nil {
		return u, r.notFound(err, "user", id)
	}
	return u, nil
}

// GetUser implements store.Repo.
func (r *Repo) GetUser(ctx context.Context, id int64) (store.User, error) {
	return r.getUser(ctx, "id", id, strconv.FormatInt(id, 10))
}

// GetUserByName implements store.Repo.
func (r *Repo) GetUserByName(ctx context.Context, name string) (store.User, error) {
	return r.getUser(ctx, "name", name, name)
}

// GetUserByOIDC implements store.Repo.
func (r *Repo) GetUserByOIDC(ctx context.Context, subject string) (store.User, error) {
	return r.getUser(ctx, "oidc_subject", subject, subject)
}

// UpdateUser implements store.Repo.
func (r *Repo) UpdateUser(ctx context.Context, u store.User) (store.User, error) {
	u.UpdatedAt = now()
	n, err := r.exec(ctx, `UPDATE users SET name = $1, display_name = $2, email = $3, password_hash = $4, grants = $5,
		clearance = $6, disabled = $7, failed_logins = $8, locked_until = $9, oidc_subject = $10,
		version = version + 1, updated_at = $11 WHERE id = $12 AND version = $13`,
		u.Name, u.DisplayName, u.Email, u.PasswordHash, r.D.JSON(marshal(orEmpty(u.Grants))), string(u.Clearance),
		u.Disabled, u.FailedLogins, r.D.Time(u.LockedUntil), nullString(u.OIDCSubject), r.D.Time(u.UpdatedAt),
		u.ID, u.Version)
	if err != nil {
		if r.D.IsUnique(err) {
			return u, fmt.Errorf("user %q: %w", u.Name, store.ErrExists)
		}
		return u, fmt.Errorf("updating user %q: %w", u.Name, err)
	}
	if n == 0 {
		cur, err := r.GetUser(ctx, u.ID)
		if err != nil {
			return u, err
		}
		return u, &store.StaleError{Kind: "user", ID: u.Name, Version: u.Version, Current: cur}
	}
	u.Version++
	return u, nil
}

// ListUsers implements store.Repo.
func (r *Repo) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := r.query(ctx, `SELECT `+r.userCols()+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing users: %w", err)
	}
	return collect(rows, scanUser)
}

// LockUsers implements store.Repo. The rows are locked in name order, the
// same in every transaction, so two of them cannot deadlock.
func (r *Repo) LockUsers(ctx context.Context) ([]store.User, error) {
	rows, err := r.query(ctx, `SELECT `+r.userCols()+` FROM users ORDER BY name`+r.D.ForUpdate)
	if err != nil {
		return nil, fmt.Errorf("locking users: %w", err)
	}
	return collect(rows, scanUser)
}

// ---- tokens

const tokenCols = `id, user_id, name, hash, scopes, expires_at, created_at, last_used, revoked`

func scanToken(row Row) (store.Token, error) {
	var t store.Token
	var scopes []byte
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, jsonCol{&scopes}, timeCol{&t.ExpiresAt},
		timeCol{&t.CreatedAt}, timeCol{&t.LastUsed}, &t.Revoked)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(scopes, &t.Scopes); err != nil {
		return t, fmt.Errorf("token %d scopes: %w", t.ID, err)
	}
	return t, nil
}

// CreateToken implements store.Repo.
func (r *Repo) CreateToken(ctx context.Context, t store.Token) (store.Token, error) {
	t.CreatedAt = now()
	err := r.queryRow(ctx, `INSERT INTO tokens (user_id, name, hash, scopes, expires_at, created_at, last_used, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		t.UserID, t.Name, t.Hash, r.D.JSON(marshal(orEmpty(t.Scopes))), r.D.Time(t.ExpiresAt), r.D.Time(t.CreatedAt),
		r.D.Time(t.LastUsed), t.Revoked).Scan(&t.ID)
	if err != nil {
		return t, r.wrapInsert(err, "token", t.Name)
	}
	return t, nil
}

// GetTokenByHash implements store.Repo.
func (r *Repo) GetTokenByHash(ctx context.Context, hash string) (store.Token, error) {
	t, err := scanToken(r.queryRow(ctx, `SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash))
	if err != nil {
		// The hash is a credential's digest: keep it out of the message.
		return t, r.notFound(err, "token", "(by hash)")
	}
	return t, nil
}

// ListTokens implements store.Repo.
func (r *Repo) ListTokens(ctx context.Context, userID int64) ([]store.Token, error) {
	rows, err := r.query(ctx, `SELECT `+tokenCols+` FROM tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("listing tokens: %w", err)
	}
	return collect(rows, scanToken)
}

// TouchToken implements store.Repo.
func (r *Repo) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return r.one(ctx, "token", id, `UPDATE tokens SET last_used = $1 WHERE id = $2`, r.D.Time(at), id)
}

// RevokeToken implements store.Repo.
func (r *Repo) RevokeToken(ctx context.Context, id int64) error {
	return r.one(ctx, "token", id, `UPDATE tokens SET revoked = $1 WHERE id = $2`, true, id)
}

func (r *Repo) one(ctx context.Context, kind string, id int64, q string, args ...any) error {
	n, err := r.exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("updating %s %d: %w", kind, id, err)
	}
	if n == 0 {
		return store.NotFound(kind, strconv.FormatInt(id, 10))
	}
	return nil
}

// ---- sessions

// CreateSession implements store.Repo.
func (r *Repo) CreateSession(ctx context.Context, s store.Session) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now()
	}
	_, err := r.exec(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		s.Hash, s.UserID, r.D.Time(s.CreatedAt), r.D.Time(s.ExpiresAt))
	if err != nil {
		return r.wrapInsert(err, "session", "(new)")
	}
	return nil
}

// GetSession implements store.Repo.
func (r *Repo) GetSession(ctx context.Context, hash string) (store.Session, error) {
	var s store.Session
	err := r.queryRow(ctx, `SELECT hash, user_id, created_at, expires_at FROM sessions WHERE hash = $1`, hash).
		Scan(&s.Hash, &s.UserID, timeCol{&s.CreatedAt}, timeCol{&s.ExpiresAt})
	if errors.Is(err, ErrNoRows) {
		return s, store.NotFound("session", "(by hash)")
	}
	if err != nil {
		return s, fmt.Errorf("reading a session: %w", err)
	}
	return s, nil
}

// DeleteSession implements store.Repo.
func (r *Repo) DeleteSession(ctx context.Context, hash string) error {
	if _, err := r.exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash); err != nil {
		return fmt.Errorf("deleting a session: %w", err)
	}
	return nil
}

// ---- sign-in attempts

// CountSignIn implements store.Repo. One statement counts and reads, so
// concurrent attempts on any node are all counted.
func (r *Repo) CountSignIn(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	start, over := at.UnixMilli(), at.Add(-window).UnixMilli()
	var n int
	err := r.queryRow(ctx, `INSERT INTO signin_attempts (client, window_start, attempts) VALUES ($1, $2, 1)
		ON CONFLICT (client) DO UPDATE SET
		attempts = CASE WHEN signin_attempts.window_start <= $3 THEN 1 ELSE signin_attempts.attempts + 1 END,
		window_start = CASE WHEN signin_attempts.window_start <= $3 THEN $2 ELSE signin_attempts.window_start END
		RETURNING attempts`, key, start, over).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("counting a sign-in attempt: %w", err)
	}
	return n, nil
}

// PurgeSignIns implements store.Repo.
func (r *Repo) PurgeSignIns(ctx context.Context, before time.Time) (int64, error) {
	n, err := r.exec(ctx, `DELETE FROM signin_attempts WHERE window_start < $1`, before.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("purging sign-in attempts: %w", err)
	}
	return n, nil
}
