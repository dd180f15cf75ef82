// Package store holds the organisation's register: policy, systems, model
// versions, threats with their register state, risk acceptances, policy
// exceptions, reviews, the audit trail and accounts. Repo is the one
// repository interface; internal/store/sqlite and internal/store/postgres
// implement it with hand-written SQL per engine, and internal/store/storetest
// is the one suite both pass. Workflow rules live above it, in
// internal/register.
//
// Every updatable row carries a Version. Updates name the version they were
// based on; a stale one fails with a *StaleError that carries the current
// row, so nothing is lost silently.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
)

// Repo reads and writes the register. A Store runs each call on its own; a
// Tx runs them in one transaction.
type Repo interface {
	// GetPolicy returns the policy; before one is set, DefaultPolicy with Version 0.
	GetPolicy(ctx context.Context) (Policy, error)
	// PutPolicy stores the policy if its Version is the current one (0 for
	// the first) and returns it with the new Version.
	PutPolicy(ctx context.Context, p Policy) (Policy, error)
	// LockTiers takes, until the transaction ends, the lock that orders
	// the writes of the policy's tiers and of systems' tiers, so that a
	// system is never written on a tier a concurrent rename is taking away
	// (SQLite's write transaction holds the whole database already).
	LockTiers(ctx context.Context) error

	// CreateSystem adds a system; ErrExists if its id is taken.
	CreateSystem(ctx context.Context, s System) (System, error)
	GetSystem(ctx context.Context, id string) (System, error)
	// UpdateSystem writes s if s.Version is current.
	UpdateSystem(ctx context.Context, s System) (System, error)
	// ListSystems lists systems by id, from offset, at most limit (0: all).
	ListSystems(ctx context.Context, limit, offset int) ([]System, error)

	// AddModelVersion stores v with the next Seq of its system and returns it.
	AddModelVersion(ctx context.Context, v ModelVersion) (ModelVersion, error)
	// GetModelVersion returns one version with its source and result.
	GetModelVersion(ctx context.Context, systemID string, seq int) (ModelVersion, error)
	// ListModelVersions lists a system's versions, newest first, without source and result.
	ListModelVersions(ctx context.Context, systemID string) ([]ModelVersion, error)
	// AddVersionChanges records the threat changes of one version.
	AddVersionChanges(ctx context.Context, changes []VersionChange) error
	// ListVersionChanges lists the changes of versions after since up to and
	// including until (0: the latest), in version then threat order.
	ListVersionChanges(ctx context.Context, systemID string, since, until int) ([]VersionChange, error)

	// GetThreat returns one threat with its register state.
	GetThreat(ctx context.Context, systemID, threatID string) (Threat, error)
	// ListThreats returns the threats the filter selects.
	ListThreats(ctx context.Context, f ThreatFilter) ([]Threat, error)
	// CountThreats counts the threats the filter selects, ignoring Limit and Offset.
	CountThreats(ctx context.Context, f ThreatFilter) (int, error)
	// SystemThreats returns all threats of a system, gone ones included, by id.
	SystemThreats(ctx context.Context, systemID string) ([]Threat, error)
	// InsertThreats adds new threats (Version 1).
	InsertThreats(ctx context.Context, ts []Threat) error
	// UpdateThreatAnalysis writes what a new model version found about
	// existing threats (rule, title, category, STRIDE, targets, risk,
	// fingerprint, last seen, gone), leaving their register state alone,
	// whatever their Version; each moves to a new Version so that a register
	// edit based on the old one is told.
	UpdateThreatAnalysis(ctx context.Context, ts []Threat) error
	// UpdateThreat writes t if t.Version is current.
	UpdateThreat(ctx context.Context, t Threat) (Threat, error)
	// AddThreatEvents appends to threats' histories.
	AddThreatEvents(ctx context.Context, evs []ThreatEvent) error
	// ListThreatEvents returns a threat's history, oldest first.
	ListThreatEvents(ctx context.Context, systemID, threatID string) ([]ThreatEvent, error)

	// CreateAcceptance adds an acceptance with its threats and returns it with its ID.
	CreateAcceptance(ctx context.Context, a Acceptance) (Acceptance, error)
	GetAcceptance(ctx context.Context, id int64) (Acceptance, error)
	// UpdateAcceptance writes a (its threats included) if a.Version is current.
	UpdateAcceptance(ctx context.Context, a Acceptance) (Acceptance, error)
	ListAcceptances(ctx context.Context, f AcceptanceFilter) ([]Acceptance, error)

	CreateException(ctx context.Context, e Exception) (Exception, error)
	GetException(ctx context.Context, id int64) (Exception, error)
	UpdateException(ctx context.Context, e Exception) (Exception, error)
	ListExceptions(ctx context.Context, f ExceptionFilter) ([]Exception, error)

	CreateReview(ctx context.Context, r Review) (Review, error)
	GetReview(ctx context.Context, id int64) (Review, error)
	UpdateReview(ctx context.Context, r Review) (Review, error)
	ListReviews(ctx context.Context, f ReviewFilter) ([]Review, error)

	// AppendAudit adds e after the last entry and moves the head to it. The
	// caller (internal/audit) has set Seq, PrevHash and Hash from AuditHead in
	// the same transaction; ErrExists if another writer took that Seq.
	AppendAudit(ctx context.Context, e AuditEntry) error
	// AuditHead returns the Seq and Hash of the newest entry (0 and "" when
	// the trail is empty) as recorded beside the trail, locking it until
	// the transaction ends so appends are serialised.
	AuditHead(ctx context.Context) (seq int64, hash string, err error)
	// ListAudit returns the entries f selects, oldest first: those with
	// Seq > f.After, at most f.Limit.
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	CreateUser(ctx context.Context, u User) (User, error)
	GetUser(ctx context.Context, id int64) (User, error)
	GetUserByName(ctx context.Context, name string) (User, error)
	GetUserByOIDC(ctx context.Context, subject string) (User, error)
	UpdateUser(ctx context.Context, u User) (User, error)
	ListUsers(ctx context.Context) ([]User, error)
	// LockUsers lists the users as ListUsers does and, in a transaction,
	// locks their rows until it ends (SQLite's write transaction locks the
	// whole database already), so that a decision about the set of users,
	// such as keeping one enabled admin, still holds when it commits: a
	// concurrent LockUsers waits, then reads what this one wrote.
	LockUsers(ctx context.Context) ([]User, error)

	CreateToken(ctx context.Context, t Token) (Token, error)
	// GetTokenByHash finds a token by the hash of its secret.
	GetTokenByHash(ctx context.Context, hash string) (Token, error)
	ListTokens(ctx context.Context, userID int64) ([]Token, error)
	// TouchToken records a use of the token at the given time.
	TouchToken(ctx context.Context, id int64, at time.Time) error
	RevokeToken(ctx context.Context, id int64) error

	CreateSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, hash string) (Session, error)
	DeleteSession(ctx context.Context, hash string) error

	// CountSignIn counts one sign-in attempt under key (a client address)
	// in a fixed window of the given length and returns the attempts in the
	// current window, this one included. A window that began at or before
	// at-window is over: the count starts again at 1. Every node on one
	// database shares the counts.
	CountSignIn(ctx context.Context, key string, at time.Time, window time.Duration) (int, error)
	// PurgeSignIns deletes the counts of windows that began before before.
	PurgeSignIns(ctx context.Context, before time.Time) (int64, error)
	// AlertRepo stores detection alerts (alerts.go).
	AlertRepo
	Portfolio
}

// Tx is a Repo inside one transaction, which can also enqueue background
// jobs that commit or roll back with it.
type Tx interface {
	Repo
	// Enqueue inserts a River job in this transaction.
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Store is an open database.
type Store interface {
	Repo
	// InTx runs fn in one transaction, committing when it returns nil.
	InTx(ctx context.Context, fn func(ctx context.Context, tx Tx) error) error
	// Engine is "sqlite" or "postgres".
	Engine() string
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// MigrationStatus lists the register's schema migrations and whether each is applied.
	MigrationStatus(ctx context.Context) ([]Migration, error)
	// MigrateUp applies pending migrations (Open already does unless told not to).
	MigrateUp(ctx context.Context) ([]Migration, error)
	// Optimize refreshes the query planner's statistics (Open does so on
	// SQLite; call it after bulk loads).
	Optimize(ctx context.Context) error
	// StartJobs starts working background jobs with the workers and periodic
	// jobs given in Options; without them the store only enqueues.
	StartJobs(ctx context.Context) error
	// Close stops jobs and closes the database.
	Close(ctx context.Context) error
}

// Migration is one schema migration.
type Migration struct {
	Version int64  `json:"version"`
	Name    string `json:"name"`
	Applied bool   `json:"applied"`
}

// Options configures Open.
type Options struct {
	// NoMigrate leaves the schema as it is (for `rampart migrate status`).
	NoMigrate bool
	// Workers are the background job workers; nil to only enqueue.
	Workers *river.Workers
	// PeriodicJobs run on the elected leader node only.
	PeriodicJobs []*river.PeriodicJob
	// MaxWorkers is the number of jobs worked at once (default 4).
	MaxWorkers int
	// Logger receives the job queue's logs (nil: slog.Default()).
	Logger *slog.Logger
}

// Errors. Engines wrap them with %w so callers test with errors.Is.
var (
	// ErrNotFound: no row with that key.
	ErrNotFound = errors.New("not found")
	// ErrExists: a row with that key exists already.
	ErrExists = errors.New("already exists")
	// ErrStale: the row changed since the version the update was based on.
	ErrStale = errors.New("stale version")
)

// StaleError is returned by an update based on an old Version. Current is
// the row as it is now (Policy, System, Threat, Acceptance, Exception,
// Review or User).
type StaleError struct {
	Kind    string
	ID      string
	Version int64
	Current any
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s %s: version %d is stale: %v", e.Kind, e.ID, e.Version, ErrStale)
}

// Is makes errors.Is(err, ErrStale) true.
func (e *StaleError) Is(target error) bool { return target == ErrStale }

// NotFound wraps ErrNotFound with what was looked for.
func NotFound(kind, id string) error { return fmt.Errorf("%s %q: %w", kind, id, ErrNotFound) }
