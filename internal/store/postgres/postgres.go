// Package postgres is the register on PostgreSQL, for teams and for more
// than one `rampart serve` node. Its schema is migrations/*.sql, applied with
// goose when the store opens, under an advisory lock so that nodes starting
// together migrate once.
package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/internal/sqlrepo"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrateLock is the advisory lock key held while migrating ("rampart" in ASCII).
const migrateLock = 0x72616d70617274

// tiersLock is the advisory lock key of store.Repo.LockTiers ("tiers" in ASCII).
const tiersLock = 0x7469657273

var dialect = &sqlrepo.Dialect{
	Rebind: func(q string) string { return q },
	Time: func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC()
	},
	JSON:      func(doc []byte) any { return doc },
	List:      func(vs []string) any { return vs },
	In:        func(col string, n int) string { return fmt.Sprintf("%s = ANY($%d::text[])", col, n) },
	DateIn:    func(n int) string { return fmt.Sprintf("NULLIF($%d::text, '')::date", n) },
	DateOut:   func(col string) string { return "COALESCE(to_char(" + col + ", 'YYYY-MM-DD'), '')" },
	ForUpdate: " FOR UPDATE",
	LockTiers: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", tiersLock),
	IsUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
}

// Store is the PostgreSQL register.
type Store struct {
	sqlrepo.Repo
	pool    *pgxpool.Pool
	river   *river.Client[pgx.Tx]
	jobs    bool
	started bool
}

var _ store.Store = (*Store)(nil)

// DefaultMaxConns is the connection pool's size unless the URL sets
// pool_max_conns.
const DefaultMaxConns = 16

// Open connects to the database at url (postgres://…) and migrates it
// unless opts.NoMigrate.
func Open(ctx context.Context, url string, opts store.Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The URL may carry a password: do not repeat it.
		return nil, errors.New("the PostgreSQL URL does not parse (expected postgres://user@host:port/db)")
	}
	if !strings.Contains(url, "pool_max_conns") {
		// pgxpool's default, max(4, CPUs), makes a server's clients queue
		// for a connection; the URL's pool_max_conns overrides this.
		cfg.MaxConns = max(cfg.MaxConns, DefaultMaxConns)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	s := &Store{Repo: sqlrepo.Repo{Q: pgQuerier{pool}, D: dialect}, pool: pool}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	if !opts.NoMigrate {
		if _, err := s.MigrateUp(ctx); err != nil {
			pool.Close()
			return nil, err
		}
	}
	rcfg := &river.Config{Logger: opts.Logger}
	if opts.Workers != nil {
		s.jobs = true
		rcfg = &river.Config{
			Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(opts.MaxWorkers, 4)}},
			Logger:       opts.Logger,
			Workers:      opts.Workers,
			PeriodicJobs: opts.PeriodicJobs,
		}
	}
	s.river, err = river.NewClient(riverpgxv5.New(pool), rcfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("setting up background jobs: %w", err)
	}
	return s, nil
}

// Pool is the connection pool (for tests and the job package).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// River is the job client.
func (s *Store) River() *river.Client[pgx.Tx] { return s.river }

// Engine implements store.Store.
func (s *Store) Engine() string { return "postgres" }

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

func (s *Store) provider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithDisableGlobalRegistry(true))
}

// MigrationStatus implements store.Store.
func (s *Store) MigrationStatus(ctx context.Context) ([]store.Migration, error) {
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := s.provider(db)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading migration status: %w", err)
	}
	out := make([]store.Migration, 0, len(st))
	for _, m := range st {
		out = append(out, store.Migration{Version: m.Source.Version, Name: filepath.Base(m.Source.Path),
			Applied: m.State == goose.StateApplied})
	}
	return out, nil
}

// MigrateUp implements store.Store: the register's migrations, then River's,
// holding an advisory lock so concurrent nodes wait for each other.
func (s *Store) MigrateUp(ctx context.Context) ([]store.Migration, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return nil, fmt.Errorf("taking the migration lock: %w", err)
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	}()
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := s.provider(db)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrating the database: %w", err)
	}
	out := make([]store.Migration, 0, len(res))
	for _, r := range res {
		out = append(out, store.Migration{Version: r.Source.Version, Name: filepath.Base(r.Source.Path), Applied: true})
	}
	m, err := rivermigrate.New(riverpgxv5.New(s.pool), nil)
	if err != nil {
		return nil, fmt.Errorf("migrating the job queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("migrating the job queue: %w", err)
	}
	return out, nil
}

// InTx implements store.Store.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("beginning a transaction: %w", err)
	}
	t := &txn{Repo: sqlrepo.Repo{Q: pgQuerier{tx}, D: dialect}, tx: tx, river: s.river}
	if err := fn(ctx, t); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

// Optimize implements store.Store: ANALYZE of the register's tables.
func (s *Store) Optimize(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `ANALYZE threats, acceptances, acceptance_threats, reviews, exceptions, systems`); err != nil {
		return fmt.Errorf("analysing the database: %w", err)
	}
	return nil
}

// StartJobs implements store.Store.
func (s *Store) StartJobs(ctx context.Context) error {
	if !s.jobs {
		return errors.New("no job workers were configured when the store was opened")
	}
	if err := s.river.Start(ctx); err != nil {
		return fmt.Errorf("starting background jobs: %w", err)
	}
	s.started = true
	return nil
}

// Close implements store.Store.
func (s *Store) Close(ctx context.Context) error {
	var err error
	if s.started {
		if e := s.river.Stop(ctx); e != nil && !errors.Is(e, context.Canceled) {
			err = fmt.Errorf("stopping background jobs: %w", e)
		}
	}
	s.pool.Close()
	return err
}

type txn struct {
	sqlrepo.Repo
	tx    pgx.Tx
	river *river.Client[pgx.Tx]
}

func (t *txn) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := t.river.InsertTx(ctx, t.tx, args, opts); err != nil {
		return fmt.Errorf("enqueueing %s: %w", args.Kind(), err)
	}
	return nil
}

// pgQuerier adapts a pool or a transaction to sqlrepo.Querier.
type pgQuerier struct {
	q interface {
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
		QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	}
}

func (p pgQuerier) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := p.q.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (p pgQuerier) Query(ctx context.Context, q string, args ...any) (sqlrepo.Rows, error) {
	rows, err := p.q.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func (p pgQuerier) QueryRow(ctx context.Context, q string, args ...any) sqlrepo.Row {
	return pgRow{p.q.QueryRow(ctx, q, args...)}
}

type pgRow struct{ pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	if err := r.Row.Scan(dest...); errors.Is(err, pgx.ErrNoRows) {
		return sqlrepo.ErrNoRows
	} else if err != nil {
		return err
	}
	return nil
}
