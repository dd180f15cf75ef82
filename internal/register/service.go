// Package register is the organisation's threat register as a workflow
// over internal/store: the policy, systems, model versions and the threats
// they find, treatment, risk acceptance with separation of duties, policy
// exceptions, reviews and the overdue lists. Every change is appended to
// the audit trail in the transaction that makes it, and the background jobs
// it causes (notifications, reminders) are enqueued in that transaction too.
//
// Who may call what is decided above this package (internal/rbac, from the
// RACI). What this package decides itself are the rules of the workflow that
// hold whoever calls: only a system's risk owner or SRO decides on its risk,
// never the person who asked, and so on.
package register

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/store"
)

// Clock tells the time; tests drive the workflow with a fake one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Actor is who makes a change: a user name, or "system" for jobs.
type Actor struct {
	Name string
}

// SystemActor is the actor of changes made by background jobs.
var SystemActor = Actor{Name: "system"}

// Service is the register.
type Service struct {
	st    store.Store
	clock Clock
	log   *slog.Logger
	// floor is the central policy file (WithFloor); nil for none.
	floor *policy.Policy
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock (default SystemClock).
func WithClock(c Clock) Option { return func(s *Service) { s.clock = c } }

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// New returns the register over st.
func New(st store.Store, opts ...Option) *Service {
	s := &Service{st: st, clock: SystemClock{}, log: slog.Default()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Store is the store the register works on.
func (s *Service) Store() store.Store { return s.st }

// Errors of the workflow. They wrap with %w; test with errors.Is. The
// store's errors (store.ErrNotFound, store.ErrStale with *store.StaleError,
// store.ErrExists) pass through too.
var (
	// ErrInvalid: the input is malformed or incomplete.
	ErrInvalid = errors.New("invalid input")
	// ErrTransition: the object is not in a state that allows this.
	ErrTransition = errors.New("not allowed in this state")
	// ErrForbidden: the actor may not do this (not the approver, or the
	// requester deciding their own request).
	ErrForbidden = errors.New("not allowed for this user")
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

func transition(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrTransition, fmt.Sprintf(format, args...))
}

func forbidden(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrForbidden, fmt.Sprintf(format, args...))
}

// today is the calendar date now in UTC, YYYY-MM-DD.
func (s *Service) today() string { return s.clock.Now().UTC().Format(time.DateOnly) }

// addDays returns the date n days after date.
func addDays(date string, n int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

func validDate(field, v string) error {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return invalid("%s %q is not a date (expected YYYY-MM-DD)", field, v)
	}
	return nil
}

// change runs fn in one transaction and appends what it recorded to the
// audit trail at the end of it, so the trail's head is locked only briefly
// and always last.
func (s *Service) change(ctx context.Context, fn func(ctx context.Context, tx store.Tx, c *changes) error) error {
	return s.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		c := &changes{}
		if err := fn(ctx, tx, c); err != nil {
			return err
		}
		for _, j := range c.jobs {
			if err := tx.Enqueue(ctx, j, nil); err != nil {
				return err
			}
		}
		_, err := audit.Append(ctx, tx, s.clock.Now(), c.audit...)
		return err
	})
}

// changes collects what a transaction did, for the audit trail and jobs.
type changes struct {
	audit []audit.Record
	jobs  []NotifyArgs
}

func (c *changes) record(actor Actor, action, object string, data any) {
	c.audit = append(c.audit, audit.Record{Actor: actor.Name, Action: action, Object: object, Data: data})
}

func (c *changes) notify(n NotifyArgs) { c.jobs = append(c.jobs, n) }
