package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

// SessionCookie names the session cookie. The __Host- prefix makes
// browsers refuse it unless it is Secure, host-only and for path /.
const SessionCookie = "__Host-rampart-session"

// StartSession creates a session for user and returns the cookie to set.
func (s *Service) StartSession(ctx context.Context, u store.User) (*http.Cookie, error) {
	secret, err := randomString(32)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now().UTC()
	sess := store.Session{Hash: digest(secret), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.opts.SessionTTL)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	return &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", Expires: sess.ExpiresAt,
		MaxAge: int(s.opts.SessionTTL.Seconds()), HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode}, nil
}

// EndSession deletes the session behind a cookie value and returns the
// cookie that clears it in the browser.
func (s *Service) EndSession(ctx context.Context, value string) (*http.Cookie, error) {
	if value != "" {
		if err := s.store.DeleteSession(ctx, digest(value)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("end session: %w", err)
		}
	}
	return &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true,
		SameSite: http.SameSiteStrictMode}, nil
}

// AuthenticateSession returns the principal behind a session cookie value.
func (s *Service) AuthenticateSession(ctx context.Context, value string) (*rbac.Principal, error) {
	if len(value) > 100 {
		return nil, ErrBadCredentials
	}
	sess, err := s.store.GetSession(ctx, digest(value))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	if !s.opts.Now().Before(sess.ExpiresAt) {
		return nil, ErrBadCredentials
	}
	u, err := s.store.GetUser(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	if u.Disabled {
		return nil, ErrBadCredentials
	}
	return Principal(u), nil
}

// Authenticate returns the principal of a request: a bearer token in the
// Authorization header, else a session cookie. It returns (nil, nil) for an
// anonymous request and ErrBadCredentials for credentials that do not hold.
func (s *Service) Authenticate(r *http.Request) (*rbac.Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, raw, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, ErrBadCredentials
		}
		return s.AuthenticateToken(r.Context(), strings.TrimSpace(raw))
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return s.AuthenticateSession(r.Context(), c.Value)
	}
	return nil, nil
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *rbac.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil.
func PrincipalFrom(ctx context.Context) *rbac.Principal {
	p, _ := ctx.Value(principalKey{}).(*rbac.Principal)
	return p
}

// ClientAddress returns the address used to rate limit a request: the
// remote host (a proxy in front should be trusted explicitly, not by header).
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
