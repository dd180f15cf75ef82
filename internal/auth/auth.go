// Package auth signs people and programs in to the register: local users
// with argon2id passwords, browser sessions in HttpOnly, Secure, SameSite
// cookies, API tokens hashed at rest, scoped and expiring, and optional
// OpenID Connect sign-in. Sign-ins are rate limited per client and accounts
// lock after repeated failures, both kept in the database so that every
// node enforces the same limits. It turns each caller into an
// rbac.Principal; what that principal may do is rbac's business.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

// Store keeps users, sessions and tokens: the part of store.Repo this
// package uses.
type Store interface {
	GetUserByName(ctx context.Context, name string) (store.User, error)
	GetUserByOIDC(ctx context.Context, subject string) (store.User, error)
	GetUser(ctx context.Context, id int64) (store.User, error)
	CreateUser(ctx context.Context, u store.User) (store.User, error)
	UpdateUser(ctx context.Context, u store.User) (store.User, error)
	CreateToken(ctx context.Context, t store.Token) (store.Token, error)
	GetTokenByHash(ctx context.Context, hash string) (store.Token, error)
	ListTokens(ctx context.Context, userID int64) ([]store.Token, error)
	TouchToken(ctx context.Context, id int64, at time.Time) error
	RevokeToken(ctx context.Context, id int64) error
	CreateSession(ctx context.Context, s store.Session) error
	GetSession(ctx context.Context, hash string) (store.Session, error)
	DeleteSession(ctx context.Context, hash string) error
	CountSignIn(ctx context.Context, key string, at time.Time, window time.Duration) (int, error)
	PurgeSignIns(ctx context.Context, before time.Time) (int64, error)
}

// Principal returns the rbac principal for a user.
func Principal(u store.User) *rbac.Principal {
	return &rbac.Principal{User: u.Name, Grants: Grants(u.Grants), Clearance: u.Clearance}
}

// Grants converts stored grants to rbac grants; a stored grant that no
// longer validates is kept and counts for nothing (rbac skips it).
func Grants(gs []store.Grant) []rbac.Grant {
	out := make([]rbac.Grant, 0, len(gs))
	for _, g := range gs {
		rg := rbac.Grant{Role: rbac.Role(g.Role)}
		kind, name, _ := strings.Cut(g.Scope, ":")
		switch kind {
		case "system":
			rg.System = name
		case "team":
			rg.Team = name
		}
		out = append(out, rg)
	}
	return out
}

// StoreGrants converts rbac grants to the stored form.
func StoreGrants(gs []rbac.Grant) []store.Grant {
	out := make([]store.Grant, 0, len(gs))
	for _, g := range gs {
		sg := store.Grant{Role: string(g.Role)}
		switch g.Scope() {
		case rbac.SystemOnly:
			sg.Scope = "system:" + g.System
		case rbac.TeamScope:
			sg.Scope = "team:" + g.Team
		}
		out = append(out, sg)
	}
	return out
}

// Errors the store and the service return.
var (
	// ErrBadCredentials is the one answer to a wrong user name, a wrong
	// password, a disabled account and a bad token, so that none can be
	// told from another.
	ErrBadCredentials = errors.New("wrong user name or password")
	// ErrLocked means the account is locked after repeated failures.
	ErrLocked = errors.New("account locked after repeated failed sign-ins; try again later")
	// ErrRateLimited means this client tried to sign in too often.
	ErrRateLimited = errors.New("too many sign-in attempts; slow down")
	// ErrInvalid is wrapped by refusals of bad input (names, passwords, grants).
	ErrInvalid = errors.New("invalid")
)

// Options tune the service; zero values take the defaults.
type Options struct {
	// Params are the argon2id parameters for new hashes (default: argon2id.DefaultParams).
	Params *argon2id.Params
	// SessionTTL is how long a session lasts (default 12 h).
	SessionTTL time.Duration
	// MaxFailures is how many consecutive failures lock an account (default 5).
	MaxFailures int
	// LockFor is how long a lock lasts (default 15 min).
	LockFor time.Duration
	// AttemptsPerMinute is the sign-in rate allowed per client address
	// (default 10), counted in the database across every node.
	AttemptsPerMinute int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives security events, never secrets (default slog.Default()).
	Logger *slog.Logger
}

// Service authenticates callers against a Store.
type Service struct {
	store    Store
	opts     Options
	attempts atomic.Uint64 // this node's sign-in attempts, for purging old counts
	dummy    string        // a hash to compare against when the user does not exist
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// New returns a service over store.
func New(store Store, opts Options) (*Service, error) {
	if opts.Params == nil {
		opts.Params = argon2id.DefaultParams
	}
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.MaxFailures == 0 {
		opts.MaxFailures = 5
	}
	if opts.LockFor == 0 {
		opts.LockFor = 15 * time.Minute
	}
	if opts.AttemptsPerMinute == 0 {
		opts.AttemptsPerMinute = 10
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	dummy, err := argon2id.CreateHash("not a password anyone has", opts.Params)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &Service{store: store, opts: opts, dummy: dummy}, nil
}

// NewUser describes an account to create.
type NewUser struct {
	Name      string
	Password  string
	Grants    []rbac.Grant
	Clearance model.Classification
	// OIDCSubject links the user to an OpenID Connect identity: the
	// issuer URL, "|" and the subject. A linked user may have no password
	// (then signs in only through the provider).
	OIDCSubject string
}

// OIDCSubject is how a user's OpenID Connect identity is stored.
func OIDCSubject(issuer, subject string) string { return issuer + "|" + subject }

// CreateUser checks and stores a new local user.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (store.User, error) {
	u, err := s.PrepareUser(n)
	if err != nil {
		return store.User{}, err
	}
	if u, err = s.store.CreateUser(ctx, u); err != nil {
		return store.User{}, fmt.Errorf("create user %s: %w", n.Name, err)
	}
	s.opts.Logger.Info("user created", "user", n.Name, "grants", len(n.Grants))
	return u, nil
}

// PrepareUser checks a new user and hashes its password, returning the
// account to store (internal/register stores it with its audit entry).
func (s *Service) PrepareUser(n NewUser) (store.User, error) {
	if err := ValidName(n.Name); err != nil {
		return store.User{}, err
	}
	if len(n.Password) < MinPasswordLength && !(n.Password == "" && n.OIDCSubject != "") {
		return store.User{}, fmt.Errorf("%w password: want at least %d characters", ErrInvalid, MinPasswordLength)
	}
	if n.OIDCSubject != "" {
		iss, sub, ok := strings.Cut(n.OIDCSubject, "|")
		if !ok || sub == "" || !strings.HasPrefix(iss, "https://") && !strings.HasPrefix(iss, "http://") {
			return store.User{}, fmt.Errorf("%w OIDC identity %q: want the issuer URL, '|' and the subject", ErrInvalid, n.OIDCSubject)
		}
	}
	for _, g := range n.Grants {
		if err := g.Validate(); err != nil {
			return store.User{}, fmt.Errorf("%w grant: %w", ErrInvalid, err)
		}
	}
	if n.Clearance != "" && !validClassification(n.Clearance) {
		return store.User{}, fmt.Errorf("%w clearance %q: want one of %v", ErrInvalid, n.Clearance, n.Clearance.Values())
	}
	var hash string
	if n.Password != "" {
		var err error
		if hash, err = argon2id.CreateHash(n.Password, s.opts.Params); err != nil {
			return store.User{}, fmt.Errorf("hash password: %w", err)
		}
	}
	return store.User{Name: n.Name, PasswordHash: hash, Grants: StoreGrants(n.Grants),
		Clearance: n.Clearance, OIDCSubject: n.OIDCSubject}, nil
}

// Login checks a password sign-in from client (an address used for rate
// limiting) and returns the user.
func (s *Service) Login(ctx context.Context, client, name, password string) (store.User, error) {
	if ok, err := s.allowSignIn(ctx, client); err != nil {
		return store.User{}, err
	} else if !ok {
		s.opts.Logger.Warn("sign-in rate limited", "client", client)
		return store.User{}, ErrRateLimited
	}
	u, err := s.store.GetUserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real comparison: no user enumeration by timing.
		_, _ = argon2id.ComparePasswordAndHash(password, s.dummy)
		s.opts.Logger.Info("sign-in failed", "user", name, "client", client)
		return store.User{}, ErrBadCredentials
	}
	if err != nil {
		return store.User{}, fmt.Errorf("sign in: %w", err)
	}
	now := s.opts.Now()
	if now.Before(u.LockedUntil) {
		s.opts.Logger.Warn("sign-in to a locked account", "user", name, "client", client)
		return store.User{}, ErrLocked
	}
	ok := false
	if u.PasswordHash != "" {
		ok, err = argon2id.ComparePasswordAndHash(password, u.PasswordHash)
		if err != nil {
			return store.User{}, fmt.Errorf("sign in: %w", err)
		}
	} else {
		_, _ = argon2id.ComparePasswordAndHash(password, s.dummy)
	}
	if !ok || u.Disabled {
		failed, until := u.FailedLogins+1, time.Time{}
		if failed >= s.opts.MaxFailures {
			until = now.Add(s.opts.LockFor)
			s.opts.Logger.Warn("account locked", "user", name, "failures", failed, "until", until)
		}
		if err := s.setLoginState(ctx, u, failed, until); err != nil {
			return store.User{}, fmt.Errorf("sign in: %w", err)
		}
		s.opts.Logger.Info("sign-in failed", "user", name, "client", client)
		return store.User{}, ErrBadCredentials
	}
	if u.FailedLogins != 0 || !u.LockedUntil.IsZero() {
		if err := s.setLoginState(ctx, u, 0, time.Time{}); err != nil {
			return store.User{}, fmt.Errorf("sign in: %w", err)
		}
	}
	s.opts.Logger.Info("signed in", "user", name, "client", client)
	return u, nil
}

// HashPassword checks a new password's length and hashes it for storage.
func (s *Service) HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", fmt.Errorf("%w password: want at least %d characters", ErrInvalid, MinPasswordLength)
	}
	hash, err := argon2id.CreateHash(password, s.opts.Params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return hash, nil
}

// SetPassword replaces a user's password (for an admin); ChangePassword is
// the user's own way.
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	hash, err := s.HashPassword(password)
	if err != nil {
		return err
	}
	for range 3 {
		u, err := s.store.GetUserByName(ctx, name)
		if err != nil {
			return fmt.Errorf("set password of %s: %w", name, err)
		}
		u.PasswordHash, u.FailedLogins, u.LockedUntil = hash, 0, time.Time{}
		_, err = s.store.UpdateUser(ctx, u)
		if errors.Is(err, store.ErrStale) {
			continue
		}
		if err != nil {
			return fmt.Errorf("set password of %s: %w", name, err)
		}
		s.opts.Logger.Info("password set", "user", name)
		return nil
	}
	return fmt.Errorf("set password of %s: the account kept changing; try again", name)
}

// ChangePassword checks the current password (as a sign-in would, with
// its limits and lockout) and sets a new one.
func (s *Service) ChangePassword(ctx context.Context, client, name, current, next string) error {
	if _, err := s.Login(ctx, client, name, current); err != nil {
		return err
	}
	return s.SetPassword(ctx, name, next)
}

// setLoginState records failures and the lock; a concurrent sign-in that
// changed the row first wins the race and this one retries on the fresh row.
func (s *Service) setLoginState(ctx context.Context, u store.User, failed int, until time.Time) error {
	for range 3 {
		u.FailedLogins, u.LockedUntil = failed, until
		_, err := s.store.UpdateUser(ctx, u)
		var stale *store.StaleError
		if !errors.As(err, &stale) {
			return err
		}
		cur, ok := stale.Current.(store.User)
		if !ok {
			return err
		}
		if failed > 0 {
			failed = max(failed, cur.FailedLogins+1)
		}
		u = cur
	}
	return errors.New("sign-in state kept changing; try again")
}

// ValidName checks a user name: 1–64 characters of letters, digits, '.', '-', '_' and '@'.
func ValidName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("%w user name %q: want 1 to 64 characters", ErrInvalid, name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '@') {
			return fmt.Errorf("%w user name %q: %q not allowed (letters, digits, '.', '-', '_' and '@' are)", ErrInvalid, name, r)
		}
	}
	return nil
}

func validClassification(c model.Classification) bool {
	for _, v := range c.Values() {
		if string(c) == v {
			return true
		}
	}
	return false
}
