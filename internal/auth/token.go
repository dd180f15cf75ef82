package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

// TokenPrefix starts every API token, so that secret scanners find them.
const TokenPrefix = "rampart_"

// MaxTokenTTL is the longest a token may live.
const MaxTokenTTL = 366 * 24 * time.Hour

// NewToken describes a token to create.
type NewToken struct {
	Name string
	User string
	// Scopes narrow the token to these grants (each must also be held by
	// the user to count); empty means everything the user's grants allow.
	Scopes []rbac.Grant
	TTL    time.Duration
}

// CreateToken makes a token and returns it with its secret, which is shown
// once and never stored.
func (s *Service) CreateToken(ctx context.Context, n NewToken) (store.Token, string, error) {
	if n.Name == "" || len(n.Name) > 100 {
		return store.Token{}, "", errors.New("token name: want 1 to 100 characters")
	}
	if n.TTL <= 0 || n.TTL > MaxTokenTTL {
		return store.Token{}, "", fmt.Errorf("token lifetime %s: want more than 0 and at most %d days", n.TTL, int(MaxTokenTTL.Hours()/24))
	}
	for _, g := range n.Scopes {
		if err := g.Validate(); err != nil {
			return store.Token{}, "", fmt.Errorf("token scope: %w", err)
		}
	}
	u, err := s.store.GetUserByName(ctx, n.User)
	if err != nil {
		return store.Token{}, "", fmt.Errorf("token for %s: %w", n.User, err)
	}
	secret, err := randomString(32)
	if err != nil {
		return store.Token{}, "", err
	}
	now := s.opts.Now().UTC()
	t, err := s.store.CreateToken(ctx, store.Token{UserID: u.ID, Name: n.Name, Hash: digest(secret),
		Scopes: StoreGrants(n.Scopes), CreatedAt: now, ExpiresAt: now.Add(n.TTL)})
	if err != nil {
		return store.Token{}, "", fmt.Errorf("create token: %w", err)
	}
	s.opts.Logger.Info("token created", "user", n.User, "token", t.ID, "expires", t.ExpiresAt)
	return t, TokenPrefix + secret, nil
}

// AuthenticateToken returns the principal a bearer token stands for.
func (s *Service) AuthenticateToken(ctx context.Context, raw string) (*rbac.Principal, error) {
	secret, ok := strings.CutPrefix(raw, TokenPrefix)
	if !ok || secret == "" || len(secret) > 100 {
		return nil, ErrBadCredentials
	}
	want := digest(secret)
	t, err := s.store.GetTokenByHash(ctx, want)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	now := s.opts.Now()
	if subtle.ConstantTimeCompare([]byte(want), []byte(t.Hash)) != 1 || t.Revoked || !now.Before(t.ExpiresAt) {
		s.opts.Logger.Info("token refused", "token", t.ID)
		return nil, ErrBadCredentials
	}
	u, err := s.store.GetUser(ctx, t.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if u.Disabled {
		return nil, ErrBadCredentials
	}
	if now.Sub(t.LastUsed) > time.Minute {
		// At most one write a minute per token, so that busy CI does not
		// turn every read into a write.
		if err := s.store.TouchToken(ctx, t.ID, now.UTC()); err != nil {
			s.opts.Logger.Warn("recording token use", "token", t.ID, "err", err)
		}
	}
	p := Principal(u)
	if len(t.Scopes) > 0 {
		p.Within = Grants(t.Scopes)
	}
	return p, nil
}

// Tokens lists a user's tokens (without secrets).
func (s *Service) Tokens(ctx context.Context, user string) ([]store.Token, error) {
	u, err := s.store.GetUserByName(ctx, user)
	if err != nil {
		return nil, fmt.Errorf("tokens of %s: %w", user, err)
	}
	return s.store.ListTokens(ctx, u.ID)
}

// RevokeToken revokes a token at once.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	if err := s.store.RevokeToken(ctx, id); err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	s.opts.Logger.Info("token revoked", "token", id)
	return nil
}

// digest is the stored form of a secret: SHA-256, hex.
func digest(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
