package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

type policyOutput struct {
	ETag string `header:"ETag"`
	Body store.Policy
}

type userOutput struct {
	ETag string `header:"ETag"`
	Body store.User
}

// UserFields are what an admin sets on a user.
type UserFields struct {
	Grants    []string             `json:"grants,omitempty" maxItems:"100" doc:"ROLE, ROLE@team:NAME or ROLE@system:ID; none: the user can do nothing."`
	Clearance model.Classification `json:"clearance,omitempty" enum:"public,internal,confidential,restricted,official,official-sensitive,secret,top-secret"`
	Disabled  bool                 `json:"disabled,omitempty"`
}

func (f UserFields) grants() ([]rbac.Grant, error) {
	out := make([]rbac.Grant, 0, len(f.Grants))
	for i, g := range f.Grants {
		pg, err := rbac.ParseGrant(g)
		if err != nil {
			return nil, huma.Error422UnprocessableEntity("invalid grant",
				&huma.ErrorDetail{Location: fmt.Sprintf("body.grants[%d]", i), Value: g, Message: err.Error()})
		}
		out = append(out, pg)
	}
	return out, nil
}

// NewTokenOutput carries a token's secret, shown this once.
type NewTokenOutput struct {
	Token store.Token `json:"token"`
	// Secret is the bearer token; it is not stored and cannot be shown again.
	Secret string `json:"secret"`
}

func (s *Server) policyRoutes() {
	huma.Register(s.api, op("get-policy", http.MethodGet, "/policy", "policy",
		"The organisation's policy: matrix, appetite, SLAs, review periods, tiers"),
		func(ctx context.Context, _ *struct{}) (*policyOutput, error) {
			if _, err := allow(ctx, rbac.ReadPolicy, rbac.Resource{}); err != nil {
				return nil, err
			}
			p, err := s.reg.Policy(ctx)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &policyOutput{ETag: etag(p.Version), Body: p}, nil
		})

	huma.Register(s.api, update(op("put-policy", http.MethodPut, "/policy", "policy", "Set the organisation's policy (the CISO)")),
		func(ctx context.Context, in *struct {
			IfMatch
			RenameTier []string `query:"rename_tier,explode" doc:"OLD:NEW renames tier OLD, which the body names NEW, and moves its systems to NEW (repeatable). A tier systems use cannot be dropped otherwise."`
			Body       store.Policy
		}) (*policyOutput, error) {
			v, err := in.version()
			if err != nil {
				return nil, err
			}
			pr, err := allow(ctx, rbac.SetPolicy, rbac.Resource{})
			if err != nil {
				return nil, err
			}
			renames := map[string]string{}
			for _, r := range in.RenameTier {
				from, to, ok := strings.Cut(r, ":")
				if !ok || from == "" || to == "" {
					return nil, huma.Error400BadRequest(fmt.Sprintf("rename_tier %q: want OLD:NEW", r))
				}
				renames[from] = to
			}
			in.Body.Version = v
			p, err := s.reg.SetPolicyRenamingTiers(ctx, actor(pr), in.Body, renames)
			var fe *register.FieldError
			if errors.As(err, &fe) && fe.InUse != nil {
				// Name only the systems the caller may see.
				all, serr := s.reg.Systems(ctx, 0, 0)
				if serr != nil {
					return nil, s.fail(ctx, serr)
				}
				vis := rbac.Visible(pr, all, resource)
				return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("%v: %s", register.ErrInvalid, fe.Named(func(id string) bool {
					return slices.ContainsFunc(vis, func(s store.System) bool { return s.ID == id })
				})))
			}
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &policyOutput{ETag: etag(p.Version), Body: p}, nil
		})
}

func (s *Server) userRoutes() {
	huma.Register(s.api, op("list-users", http.MethodGet, "/users", "users", "Users and their grants (admins)"),
		func(ctx context.Context, in *struct{ Page }) (*ListOutput[store.User], error) {
			if _, err := allow(ctx, rbac.ManageUsers, rbac.Resource{}); err != nil {
				return nil, err
			}
			us, err := s.store.ListUsers(ctx)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &ListOutput[store.User]{Body: page(us, in.Page)}, nil
		})

	o := op("create-user", http.MethodPost, "/users", "users", "Create a local user (admins)")
	o.DefaultStatus = http.StatusCreated
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		Body struct {
			Name     string `json:"name" minLength:"1" maxLength:"64"`
			Password string `json:"password" minLength:"12" maxLength:"1024"`
			UserFields
		}
	}) (*userOutput, error) {
		p, err := allow(ctx, rbac.ManageUsers, rbac.Resource{})
		if err != nil {
			return nil, err
		}
		gs, err := in.Body.grants()
		if err != nil {
			return nil, err
		}
		nu, err := s.auth.PrepareUser(auth.NewUser{Name: in.Body.Name, Password: in.Body.Password, Grants: gs, Clearance: in.Body.Clearance})
		if errors.Is(err, auth.ErrInvalid) {
			return nil, huma.Error422UnprocessableEntity(err.Error())
		} else if err != nil {
			return nil, s.fail(ctx, err)
		}
		u, err := s.reg.CreateUser(ctx, actor(p), nu)
		switch {
		case errors.Is(err, store.ErrExists):
			return nil, huma.Error409Conflict(fmt.Sprintf("user %s exists", in.Body.Name))
		case err != nil:
			return nil, s.fail(ctx, err)
		}
		return &userOutput{ETag: etag(u.Version), Body: u}, nil
	})

	huma.Register(s.api, update(op("update-user", http.MethodPut, "/users/{name}", "users",
		"Set a user's grants, clearance and whether the account is disabled (admins)")),
		func(ctx context.Context, in *struct {
			Name string `path:"name" maxLength:"64"`
			IfMatch
			Body UserFields
		}) (*userOutput, error) {
			v, err := in.version()
			if err != nil {
				return nil, err
			}
			p, err := allow(ctx, rbac.ManageUsers, rbac.Resource{})
			if err != nil {
				return nil, err
			}
			gs, err := in.Body.grants()
			if err != nil {
				return nil, err
			}
			u, err := s.reg.UpdateUser(ctx, actor(p), in.Name, register.UserChange{Grants: auth.StoreGrants(gs),
				Clearance: in.Body.Clearance, Disabled: in.Body.Disabled, Version: v})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &userOutput{ETag: etag(u.Version), Body: u}, nil
		})

	huma.Register(s.api, op("list-tokens", http.MethodGet, "/tokens", "tokens", "The caller's API tokens (never their secrets)"),
		func(ctx context.Context, in *struct{ Page }) (*ListOutput[store.Token], error) {
			p, err := principal(ctx)
			if err != nil {
				return nil, err
			}
			ts, err := s.auth.Tokens(ctx, p.User)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &ListOutput[store.Token]{Body: page(ts, in.Page)}, nil
		})

	o = op("create-token", http.MethodPost, "/tokens", "tokens", "Create an API token for the caller; the secret is shown once")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		Body struct {
			Name   string   `json:"name" minLength:"1" maxLength:"100"`
			Scopes []string `json:"scopes,omitempty" maxItems:"50" doc:"Grants to narrow the token to (ROLE, ROLE@team:NAME, ROLE@system:ID)."`
			Days   int      `json:"days,omitempty" minimum:"1" maximum:"366" default:"90"`
		}
	}) (*struct{ Body NewTokenOutput }, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, err
		}
		if p.Within != nil {
			return nil, huma.Error403Forbidden("a token cannot create tokens; sign in as the user")
		}
		scopes, err := UserFields{Grants: in.Body.Scopes}.grants()
		if err != nil {
			return nil, err
		}
		t, secret, err := s.auth.CreateToken(ctx, auth.NewToken{Name: in.Body.Name, User: p.User, Scopes: scopes,
			TTL: time.Duration(in.Body.Days) * 24 * time.Hour})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		if err := s.recordAudit(ctx, p.User, "token.create", fmt.Sprintf("token/%d", t.ID), map[string]any{"name": t.Name, "scopes": in.Body.Scopes, "expires_at": t.ExpiresAt}); err != nil {
			return nil, s.fail(ctx, err)
		}
		return &struct{ Body NewTokenOutput }{Body: NewTokenOutput{Token: t, Secret: secret}}, nil
	})

	o = op("revoke-token", http.MethodDelete, "/tokens/{id}", "tokens", "Revoke a token (its owner or an admin)")
	o.DefaultStatus = http.StatusNoContent
	huma.Register(s.api, o, func(ctx context.Context, in *IDPath) (*struct{}, error) {
		p, err := principal(ctx)
		if err != nil {
			return nil, err
		}
		own, err := s.auth.Tokens(ctx, p.User)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		mine := false
		for _, t := range own {
			mine = mine || t.ID == in.ID
		}
		if !mine {
			if _, err := allow(ctx, rbac.ManageUsers, rbac.Resource{}); err != nil {
				return nil, huma.Error404NotFound(fmt.Sprintf("token %d is not one of yours", in.ID))
			}
		}
		if err := s.auth.RevokeToken(ctx, in.ID); err != nil {
			return nil, s.fail(ctx, err)
		}
		if err := s.recordAudit(ctx, p.User, "token.revoke", fmt.Sprintf("token/%d", in.ID), map[string]any{}); err != nil {
			return nil, s.fail(ctx, err)
		}
		return nil, nil
	})
}
