// Package sqlrepo maps the register's types onto SQL rows for both engines.
// The statements are written once in the subset of SQL that SQLite and
// PostgreSQL share, with $n placeholders; what differs (placeholders, date
// casts, list parameters, row locks, unique violations, how times and JSON
// travel) is the engine's Dialect, written in the engine's package beside
// its schema.
package sqlrepo

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Querier runs statements: a pool or a transaction of either engine.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) Row
}

// Rows is a result set.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Row is a single-row result; Scan returns ErrNoRows when there is none.
type Row interface {
	Scan(dest ...any) error
}

// ErrNoRows is what adapters return from Row.Scan when no row matched.
var ErrNoRows = errors.New("no rows in result set")

// Dialect is what one engine does differently.
type Dialect struct {
	// Rebind turns $n placeholders into the engine's.
	Rebind func(query string) string
	// Time encodes a time argument (the zero time as NULL).
	Time func(t time.Time) any
	// JSON encodes a JSON document argument.
	JSON func(doc []byte) any
	// List encodes a list of strings for In.
	List func(values []string) any
	// In is the predicate "col is one of the list in parameter n".
	In func(col string, n int) string
	// DateIn is the expression storing parameter n (YYYY-MM-DD or "") as a date.
	DateIn func(n int) string
	// DateOut is the expression reading date column col as YYYY-MM-DD or "".
	DateOut func(col string) string
	// ForUpdate is the clause locking selected rows ("" where the whole
	// database is locked by the transaction).
	ForUpdate string
	// LockTiers is the statement taking the transaction's tiers lock (""
	// where the whole database is locked by the transaction).
	LockTiers string
	// IsUnique reports whether err is a unique-constraint violation.
	IsUnique func(err error) bool
}

// Repo implements store.Repo over a Querier.
type Repo struct {
	Q Querier
	D *Dialect
}

func (r *Repo) exec(ctx context.Context, q string, args ...any) (int64, error) {
	return r.Q.Exec(ctx, r.D.Rebind(q), args...)
}

func (r *Repo) query(ctx context.Context, q string, args ...any) (Rows, error) {
	return r.Q.Query(ctx, r.D.Rebind(q), args...)
}

func (r *Repo) queryRow(ctx context.Context, q string, args ...any) Row {
	return r.Q.QueryRow(ctx, r.D.Rebind(q), args...)
}

// TimeText is how SQLite stores times: fixed width so that text order is
// time order.
const TimeText = "2006-01-02T15:04:05.000000000Z07:00"

// timeCol scans a time column of either engine (time.Time, text or NULL).
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("time column holds %T", src)
	}
	return nil
}

func (c timeCol) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time column: %w", err)
	}
	*c.t = t.UTC()
	return nil
}

// jsonCol scans a JSON column (jsonb or text) into bytes.
type jsonCol struct{ b *[]byte }

func (c jsonCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.b = nil
	case []byte:
		*c.b = append([]byte(nil), v...)
	case string:
		*c.b = []byte(v)
	default:
		return fmt.Errorf("JSON column holds %T", src)
	}
	return nil
}

// nullString is a text argument stored as NULL when empty.
type nullString string

func (s nullString) Value() (driver.Value, error) {
	if s == "" {
		return nil, nil
	}
	return string(s), nil
}
