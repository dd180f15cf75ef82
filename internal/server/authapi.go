package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
)

// Me is the signed-in caller.
type Me struct {
	User      string               `json:"user"`
	Grants    []rbac.Grant         `json:"grants"`
	Clearance model.Classification `json:"clearance,omitempty"`
	// TokenScopes, for a token, are the grants it is narrowed to.
	TokenScopes []rbac.Grant `json:"token_scopes,omitempty"`
}

type loginInput struct {
	Body struct {
		User     string `json:"user" minLength:"1" maxLength:"64"`
		Password string `json:"password" minLength:"1" maxLength:"1024"`
	}
}

type loginOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
	Body      Me
}

type logoutOutput struct {
	SetCookie http.Cookie `header:"Set-Cookie"`
}

type meOutput struct{ Body Me }

func me(p *rbac.Principal) Me {
	return Me{User: p.User, Grants: nonNil(p.Grants), Clearance: p.Clearance, TokenScopes: p.Within}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type clientKey struct{}

func (s *Server) authRoutes() {
	o := op("login", http.MethodPost, "/auth/login", "auth", "Sign in with a user name and password")
	o.Security = []map[string][]string{}
	o.Errors = append(o.Errors, http.StatusTooManyRequests, http.StatusLocked)
	huma.Register(s.api, o, func(ctx context.Context, in *loginInput) (*loginOutput, error) {
		client, _ := ctx.Value(clientKey{}).(string)
		u, err := s.auth.Login(ctx, client, in.Body.User, in.Body.Password)
		switch {
		case errors.Is(err, auth.ErrRateLimited):
			return nil, huma.ErrorWithHeaders(huma.NewError(http.StatusTooManyRequests, err.Error()), http.Header{"Retry-After": {"60"}})
		case errors.Is(err, auth.ErrLocked):
			return nil, huma.NewError(http.StatusLocked, err.Error())
		case errors.Is(err, auth.ErrBadCredentials):
			return nil, huma.Error401Unauthorized(err.Error())
		case err != nil:
			return nil, s.fail(ctx, err)
		}
		c, err := s.auth.StartSession(ctx, u)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &loginOutput{SetCookie: *c, Body: me(auth.Principal(u))}, nil
	})

	o = op("logout", http.MethodPost, "/auth/logout", "auth", "End this browser session")
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		Session string `cookie:"__Host-rampart-session" hidden:"true"`
	}) (*logoutOutput, error) {
		c, err := s.auth.EndSession(ctx, in.Session)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &logoutOutput{SetCookie: *c}, nil
	})

	o = op("change-password", http.MethodPost, "/me/password", "auth", "Change the caller's own password")
	o.DefaultStatus = http.StatusNoContent
	o.Errors = append(o.Errors, http.StatusTooManyRequests, http.StatusLocked)
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		Body struct {
			Current string `json:"current" maxLength:"1024"`
			New     string `json:"new" maxLength:"1024"`
		}
	}) (*struct{}, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, err
		}
		client, _ := ctx.Value(clientKey{}).(string)
		err = s.auth.ChangePassword(ctx, client, p.User, in.Body.Current, in.Body.New)
		switch {
		case errors.Is(err, auth.ErrBadCredentials):
			return nil, huma.Error403Forbidden("the current password does not match")
		case errors.Is(err, auth.ErrRateLimited):
			return nil, huma.ErrorWithHeaders(huma.NewError(http.StatusTooManyRequests, err.Error()), http.Header{"Retry-After": {"60"}})
		case errors.Is(err, auth.ErrLocked):
			return nil, huma.NewError(http.StatusLocked, err.Error())
		case errors.Is(err, auth.ErrInvalid):
			return nil, huma.Error422UnprocessableEntity(err.Error())
		case err != nil:
			return nil, s.fail(ctx, err)
		}
		if err := s.recordAudit(ctx, p.User, "user.password", "user/"+p.User, map[string]any{}); err != nil {
			return nil, s.fail(ctx, err)
		}
		return nil, nil
	})

	huma.Register(s.api, op("me", http.MethodGet, "/me", "auth", "Who the caller is and what they hold"),
		func(ctx context.Context, _ *struct{}) (*meOutput, error) {
			p, err := principal(ctx)
			if err != nil {
				return nil, err
			}
			return &meOutput{Body: me(p)}, nil
		})
}

// withClient records the client address for sign-in rate limits.
func withClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, auth.ClientAddress(r))))
	})
}
