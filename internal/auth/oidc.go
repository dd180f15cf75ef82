package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/rampart-sec/rampart/internal/store"
)

// OIDCConfig configures sign-in through an OpenID Connect provider.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL (discovery is read from it).
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is this server's callback, e.g. https://rampart.example/auth/oidc/callback.
	RedirectURL string
	// AutoCreate creates a local user, with no grants, on a first sign-in;
	// otherwise only users an admin linked to a subject may sign in.
	AutoCreate bool
}

// OIDC signs users in through a provider with the authorisation code flow,
// PKCE, state and nonce.
type OIDC struct {
	svc      *Service
	cfg      OIDCConfig
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
}

const oidcCookie = "__Host-rampart-oidc"

// NewOIDC discovers the provider and returns the sign-in flow. client is
// used to reach the provider (nil: http.DefaultClient).
func (s *Service) NewOIDC(ctx context.Context, cfg OIDCConfig, client *http.Client) (*OIDC, error) {
	if client == nil {
		client = http.DefaultClient
	}
	ctx = oidc.ClientContext(ctx, client)
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc provider %s: %w", cfg.Issuer, err)
	}
	return &OIDC{svc: s, cfg: cfg, client: client,
		oauth: oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: s.opts.Now}),
	}, nil
}

// Begin redirects the browser to the provider.
func (o *OIDC) Begin(w http.ResponseWriter, r *http.Request) {
	state, err1 := randomString(16)
	nonce, err2 := randomString(16)
	if err := errors.Join(err1, err2); err != nil {
		http.Error(w, "cannot start sign-in", http.StatusInternalServerError)
		return
	}
	verifier := oauth2.GenerateVerifier()
	// Lax, not Strict: the provider's redirect back is a cross-site navigation.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state + "." + nonce + "." + verifier, Path: "/",
		MaxAge: 600, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	url := o.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	http.Redirect(w, r, url, http.StatusFound)
}

// Finish completes the flow on the callback request and returns the local
// user; the caller starts the session. w clears the flow's cookie.
func (o *OIDC) Finish(w http.ResponseWriter, r *http.Request) (store.User, error) {
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return store.User{}, errors.New("oidc: no sign-in in progress (cookie missing); start again")
	}
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return store.User{}, errors.New("oidc: malformed sign-in cookie; start again")
	}
	state, nonce, verifier := parts[0], parts[1], parts[2]
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return store.User{}, fmt.Errorf("oidc: the provider refused: %s", e)
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return store.User{}, errors.New("oidc: state does not match; start again")
	}
	ctx := oidc.ClientContext(r.Context(), o.client)
	tok, err := o.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return store.User{}, fmt.Errorf("oidc: exchange code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return store.User{}, errors.New("oidc: the provider sent no id_token")
	}
	idt, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return store.User{}, err // go-oidc's errors name themselves ("oidc: ...")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return store.User{}, errors.New("oidc: nonce does not match")
	}
	var claims struct {
		PreferredUsername string `json:"preferred_username"`
		Email             string `json:"email"`
	}
	if err := idt.Claims(&claims); err != nil {
		return store.User{}, fmt.Errorf("oidc: claims: %w", err)
	}
	subject := OIDCSubject(idt.Issuer, idt.Subject)
	u, err := o.svc.store.GetUserByOIDC(ctx, subject)
	if err == nil {
		if u.Disabled {
			return store.User{}, ErrBadCredentials
		}
		o.svc.opts.Logger.Info("signed in through oidc", "user", u.Name)
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.User{}, fmt.Errorf("oidc: %w", err)
	}
	if !o.cfg.AutoCreate {
		return store.User{}, fmt.Errorf("oidc: no local user is linked to %s; ask an admin to add one", subject)
	}
	name := claims.PreferredUsername
	if name == "" {
		name = claims.Email
	}
	if ValidName(name) != nil {
		return store.User{}, fmt.Errorf("oidc: the provider's user name %q is not usable here", name)
	}
	// Least privilege: a new user has no grants until an admin gives some.
	u, err = o.svc.store.CreateUser(ctx, store.User{Name: name, Email: claims.Email, OIDCSubject: subject})
	if err != nil {
		return store.User{}, fmt.Errorf("oidc: create user %s: %w", name, err)
	}
	o.svc.opts.Logger.Info("user created through oidc", "user", name)
	return u, nil
}
