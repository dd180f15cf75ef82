// Package sqlite is the embedded engine of the register: one file, WAL
// journal, a busy timeout and immediate transactions, zero set-up. Its
// schema is migrations/*.sql, applied with goose when the store opens.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/internal/sqlrepo"
)

//go:embed migrations/*.sql
var migrations embed.FS

// MaxConns is the size of the register's connection pool: readers run
// side by side (WAL), writers one at a time.
const MaxConns = 16

// BusyTimeout is how long a statement waits for another writer.
const BusyTimeout = 10 * time.Second

var placeholder = regexp.MustCompile(`\$(\d+)`)

var rebound sync.Map // query → rebound query

var dialect = &sqlrepo.Dialect{
	Rebind: func(q string) string {
		if v, ok := rebound.Load(q); ok {
			return v.(string)
		}
		r := rebind(q)
		rebound.Store(q, r)
		return r
	},
	Time: func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(sqlrepo.TimeText)
	},
	JSON: func(doc []byte) any { return string(doc) },
	List: func(vs []string) any {
		b, _ := json.Marshal(vs)
		return string(b)
	},
	In:        func(col string, n int) string { return fmt.Sprintf("%s IN (SELECT value FROM json_each($%d))", col, n) },
	DateIn:    func(n int) string { return fmt.Sprintf("NULLIF($%d, '')", n) },
	DateOut:   func(col string) string { return "COALESCE(" + col + ", '')" },
	ForUpdate: "",
	IsUnique: func(err error) bool {
		var e *sqlite.Error
		if errors.As(err, &e) {
			return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
		}
		return false
	},
}

// rebind turns $1, $2… into SQLite's placeholders: plain ? when each
// appears once and in order (binding numbered parameters costs SQLite a
// name lookup each, which dominates statements with thousands of them),
// else ?NNN.
func rebind(q string) string {
	ms := placeholder.FindAllStringSubmatch(q, -1)
	inOrder := true
	for i, m := range ms {
		if m[1] != strconv.Itoa(i+1) {
			inOrder = false
			break
		}
	}
	if inOrder {
		return placeholder.ReplaceAllString(q, "?")
	}
	return placeholder.ReplaceAllString(q, "?$1")
}

// Store is the SQLite register.
type Store struct {
	sqlrepo.Repo
	db      *sql.DB
	riverDB *sql.DB
	path    string
	river   *river.Client[*sql.Tx]
	jobs    bool
	started bool
	log     *slog.Logger
	stmts   *stmtCache
	writer  chan struct{} // the write transaction's turn

	// optimizeEvery is how often at most a write is followed by Optimize.
	optimizeEvery time.Duration
	optimized     atomic.Int64 // when Optimize last started, Unix nanoseconds
	optimizing    sync.WaitGroup
}

// OptimizeEvery is how often at most a committed write transaction is
// followed, in the background, by Optimize: a server that runs for months
// keeps its statistics, and so its query plans, fitted to a register that
// grows (PRAGMA optimize does nothing when they are up to date).
const OptimizeEvery = time.Minute

var _ store.Store = (*Store)(nil)

func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating where missing) the database file at path and
// migrates it unless opts.NoMigrate. An empty path is store.DefaultPath().
func Open(ctx context.Context, path string, opts store.Options) (*Store, error) {
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the database directory: %w", err)
	}
	// Create the file readable by its owner only before SQLite opens it.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	_ = f.Close()
	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	// Connections stay open: a new one runs the pragmas again and starts
	// with an empty page cache and no prepared statements (database/sql
	// keeps only two idle by default and closed the rest after each burst).
	db.SetMaxOpenConns(MaxConns)
	db.SetMaxIdleConns(MaxConns)
	s := &Store{db: db, path: path, log: cmp.Or(opts.Logger, slog.Default()), stmts: &stmtCache{db: db},
		writer: make(chan struct{}, 1), optimizeEvery: OptimizeEvery}
	s.Repo = sqlrepo.Repo{Q: cachedQuerier{s.stmts}, D: dialect}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening the database %s: %w", path, err)
	}
	// River does many small operations of its own; on SQLite they go through
	// one connection (the driver's advice) beside the register's pool.
	s.riverDB, err = sql.Open("sqlite", dsn(path))
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("opening the job queue: %w", err)
	}
	s.riverDB.SetMaxOpenConns(1)
	if !opts.NoMigrate {
		if _, err := s.MigrateUp(ctx); err != nil {
			_ = s.Close(ctx)
			return nil, err
		}
	}
	if err := s.Optimize(ctx); err != nil {
		_ = s.Close(ctx)
		return nil, err
	}
	cfg := &river.Config{Logger: opts.Logger}
	if opts.Workers != nil {
		s.jobs = true
		cfg = &river.Config{
			Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(opts.MaxWorkers, 4)}},
			Logger:       opts.Logger,
			Workers:      opts.Workers,
			PeriodicJobs: opts.PeriodicJobs,
		}
	}
	s.river, err = river.NewClient(riversqlite.New(s.riverDB), cfg)
	if err != nil {
		_ = s.Close(ctx)
		return nil, fmt.Errorf("setting up background jobs: %w", err)
	}
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// DB is the register's connection pool (for backups and tests).
func (s *Store) DB() *sql.DB { return s.db }

// Engine implements store.Store.
func (s *Store) Engine() string { return "sqlite" }

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, s.db, sub, goose.WithDisableGlobalRegistry(true))
}

// MigrationStatus implements store.Store.
func (s *Store) MigrationStatus(ctx context.Context) ([]store.Migration, error) {
	p, err := s.provider()
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

// MigrateUp implements store.Store: the register's migrations, then River's.
func (s *Store) MigrateUp(ctx context.Context) ([]store.Migration, error) {
	p, err := s.provider()
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
	m, err := rivermigrate.New(riversqlite.New(s.db), nil)
	if err != nil {
		return nil, fmt.Errorf("migrating the job queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("migrating the job queue: %w", err)
	}
	return out, nil
}

// InTx implements store.Store. SQLite runs one write transaction at a
// time; this node's wait their turn in line here, in the order they came,
// rather than each polling the database's lock with growing sleeps (which
// is how SQLite's busy timeout waits, and what made write latency spiky
// under many clients). A transaction that waits longer than BusyTimeout
// fails as SQLite's own wait would.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context, tx store.Tx) error) error {
	wait := time.NewTimer(BusyTimeout)
	defer wait.Stop()
	select {
	case s.writer <- struct{}{}:
		defer func() { <-s.writer }()
	case <-ctx.Done():
		return fmt.Errorf("waiting to write: %w", ctx.Err())
	case <-wait.C:
		return fmt.Errorf("waiting to write: another transaction held the database for %v", BusyTimeout)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning a transaction: %w", err)
	}
	t := &txn{Repo: sqlrepo.Repo{Q: dbQuerier{tx}, D: dialect}, tx: tx, river: s.river}
	if err := fn(ctx, t); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	s.afterWrite()
	return nil
}

// afterWrite starts Optimize in the background when the last one started
// more than optimizeEvery ago.
func (s *Store) afterWrite() {
	now, last := time.Now().UnixNano(), s.optimized.Load()
	if now-last < int64(s.optimizeEvery) || !s.optimized.CompareAndSwap(last, now) {
		return
	}
	s.optimizing.Go(func() {
		if err := s.Optimize(context.Background()); err != nil {
			s.log.Warn("refreshing the query planner's statistics", "err", err)
		}
	})
}

// Optimize implements store.Store: SQLite's PRAGMA optimize, which analyses
// the tables whose statistics are missing or out of date (within a bounded
// effort), so the planner picks the register's indexes.
func (s *Store) Optimize(ctx context.Context) error {
	s.optimized.Store(time.Now().UnixNano())
	if _, err := s.db.ExecContext(ctx, `PRAGMA optimize=0x10002`); err != nil {
		return fmt.Errorf("optimising the database: %w", err)
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

// River is the job client (for tests and the job package).
func (s *Store) River() *river.Client[*sql.Tx] { return s.river }

// Close implements store.Store.
func (s *Store) Close(ctx context.Context) error {
	var errs []error
	s.optimizing.Wait()
	if s.started {
		if err := s.river.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("stopping background jobs: %w", err))
		}
	}
	if s.riverDB != nil {
		errs = append(errs, s.riverDB.Close())
	}
	s.stmts.close()
	errs = append(errs, s.db.Close())
	return errors.Join(errs...)
}

// Backup writes a consistent copy of the database to path while the store
// stays online (VACUUM INTO). path must not exist.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup %s exists already; choose a new file", path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backing up to %s: %w", path, err)
	}
	return nil
}

type txn struct {
	sqlrepo.Repo
	tx    *sql.Tx
	river *river.Client[*sql.Tx]
}

func (t *txn) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := t.river.InsertTx(ctx, t.tx, args, opts); err != nil {
		return fmt.Errorf("enqueueing %s: %w", args.Kind(), err)
	}
	return nil
}

// dbQuerier adapts database/sql to sqlrepo.Querier.
type dbQuerier struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
}

func (d dbQuerier) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := d.q.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (d dbQuerier) Query(ctx context.Context, q string, args ...any) (sqlrepo.Rows, error) {
	rows, err := d.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (d dbQuerier) QueryRow(ctx context.Context, q string, args ...any) sqlrepo.Row {
	return sqlRow{d.q.QueryRowContext(ctx, q, args...)}
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

type sqlRow struct{ *sql.Row }

func (r sqlRow) Scan(dest ...any) error {
	if err := r.Row.Scan(dest...); errors.Is(err, sql.ErrNoRows) {
		return sqlrepo.ErrNoRows
	} else if err != nil {
		return err
	}
	return nil
}

// stmtCache keeps the pool's statements prepared: SQLite compiles a
// statement anew on every call otherwise, which for the register's list
// and sign-in queries costs as much as running them. database/sql prepares
// a cached statement once on each connection that runs it. The cache holds
// the statements the register's code writes, which are finitely many;
// past maxStmts the rest run unprepared.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const maxStmts = 512

func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	c.mu.RLock()
	st := c.m[q]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.m[q]; st != nil || len(c.m) >= maxStmts {
		return st
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil // the query itself reports the error
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m = nil
}

// cachedQuerier runs statements on the pool through the statement cache.
type cachedQuerier struct{ c *stmtCache }

func (q cachedQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	st := q.c.get(ctx, query)
	if st == nil {
		return dbQuerier{q.c.db}.Exec(ctx, query, args...)
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q cachedQuerier) Query(ctx context.Context, query string, args ...any) (sqlrepo.Rows, error) {
	st := q.c.get(ctx, query)
	if st == nil {
		return dbQuerier{q.c.db}.Query(ctx, query, args...)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (q cachedQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlrepo.Row {
	st := q.c.get(ctx, query)
	if st == nil {
		return dbQuerier{q.c.db}.QueryRow(ctx, query, args...)
	}
	return sqlRow{st.QueryRowContext(ctx, args...)}
}
