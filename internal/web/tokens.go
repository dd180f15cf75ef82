package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rampart-sec/rampart/internal/audit"
	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

type tokensPage struct {
	Tokens []store.Token
	// Grants are the signed-in user's own grants, what a token may be narrowed to.
	Grants []string
	// Secret is a new token's secret, shown on this one page only.
	Secret string
	// NewName names the token the secret belongs to.
	NewName string
	Now     time.Time
}

// tokens lists the signed-in user's API tokens, with the form for a new one.
func (u *UI) tokens(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	u.renderTokens(w, r, p, http.StatusOK, tokensPage{})
}

func (u *UI) renderTokens(w http.ResponseWriter, r *http.Request, p *rbac.Principal, status int, tp tokensPage) {
	ts, err := u.auth.Tokens(r.Context(), p.User)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	slices.SortFunc(ts, func(a, b store.Token) int { return b.CreatedAt.Compare(a.CreatedAt) })
	tp.Tokens, tp.Now = ts, u.opts.Now()
	for _, g := range p.Grants {
		tp.Grants = append(tp.Grants, g.String())
	}
	u.render(w, r, status, "tokens", page{Title: "API tokens", Data: tp})
}

// createToken makes a token for the signed-in user, narrowed to the grants
// ticked (all of theirs when none is), and shows its secret once. A request
// made with a token may not make tokens.
func (u *UI) createToken(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	if p.Within != nil {
		u.fail(w, r, http.StatusForbidden, errors.New("a token cannot create tokens; sign in as the user"))
		return
	}
	if err := form(w, r); err != nil {
		u.failFor(w, r, err)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil || days < 1 || days > int(auth.MaxTokenTTL.Hours()/24) {
		u.failFor(w, r, fmt.Errorf("%w: lifetime %q: want 1 to %d days", register.ErrInvalid, r.PostFormValue("days"), int(auth.MaxTokenTTL.Hours()/24)))
		return
	}
	var scopes []rbac.Grant
	for _, s := range r.PostForm["scope"] {
		g, err := rbac.ParseGrant(s)
		if err != nil {
			u.failFor(w, r, fmt.Errorf("%w: %w", register.ErrInvalid, err))
			return
		}
		if !slices.Contains(p.Grants, g) {
			u.failFor(w, r, fmt.Errorf("%w: scope %s is not one of your grants", register.ErrInvalid, g))
			return
		}
		scopes = append(scopes, g)
	}
	t, secret, err := u.auth.CreateToken(r.Context(), auth.NewToken{Name: name, User: p.User, Scopes: scopes,
		TTL: time.Duration(days) * 24 * time.Hour})
	if err != nil {
		u.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if err := u.record(r, p, "token.create", fmt.Sprintf("token/%d", t.ID),
		map[string]any{"name": t.Name, "scopes": r.PostForm["scope"], "expires_at": t.ExpiresAt}); err != nil {
		u.failFor(w, r, err)
		return
	}
	u.renderTokens(w, r, p, http.StatusCreated, tokensPage{Secret: secret, NewName: t.Name})
}

// revokeToken revokes one of the signed-in user's tokens; another's does
// not exist here.
func (u *UI) revokeToken(w http.ResponseWriter, r *http.Request, p *rbac.Principal) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		u.fail(w, r, http.StatusNotFound, errors.New("no such token"))
		return
	}
	own, err := u.auth.Tokens(r.Context(), p.User)
	if err != nil {
		u.failFor(w, r, err)
		return
	}
	if !slices.ContainsFunc(own, func(t store.Token) bool { return t.ID == id }) {
		u.fail(w, r, http.StatusNotFound, fmt.Errorf("token %d is not one of yours", id))
		return
	}
	if err := u.auth.RevokeToken(r.Context(), id); err != nil {
		u.failFor(w, r, err)
		return
	}
	if err := u.record(r, p, "token.revoke", fmt.Sprintf("token/%d", id), map[string]any{}); err != nil {
		u.failFor(w, r, err)
		return
	}
	http.Redirect(w, r, "/tokens?done=revoked", http.StatusSeeOther)
}

// record appends to the audit trail what the API records for the same change.
func (u *UI) record(r *http.Request, p *rbac.Principal, action, object string, data any) error {
	return u.reg.Store().InTx(r.Context(), func(ctx context.Context, tx store.Tx) error {
		_, err := audit.Append(ctx, tx, u.opts.Now(), audit.Record{Actor: p.User, Action: action, Object: object, Data: data})
		return err
	})
}
