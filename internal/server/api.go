package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// Page selects a slice of a list.
type Page struct {
	Limit  int `query:"limit" default:"50" minimum:"1" maximum:"1000" doc:"Items per page."`
	Offset int `query:"offset" minimum:"0" doc:"Items to skip."`
}

// List is one page of a list with the total the filter selects.
type List[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total" doc:"Items the filter selects, across all pages."`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func page[T any](all []T, p Page) List[T] {
	out := List[T]{Items: []T{}, Total: len(all), Limit: p.Limit, Offset: p.Offset}
	if p.Offset < len(all) {
		end := min(len(all), p.Offset+p.Limit)
		out.Items = all[p.Offset:end]
	}
	return out
}

// ListOutput wraps a List as a response body.
type ListOutput[T any] struct {
	Body List[T]
}

// op describes one operation; every route goes through it so that each
// has an id, a tag, bounded bodies and the standard error responses.
func op(id, method, path, tag, summary string) huma.Operation {
	return huma.Operation{
		OperationID:  id,
		Method:       method,
		Path:         path,
		Tags:         []string{tag},
		Summary:      summary,
		MaxBodyBytes: MaxBodyBytes,
		Errors:       []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}
}

// update marks an operation as an update: it takes If-Match and can fail
// with 412 and 428.
func update(o huma.Operation) huma.Operation {
	o.Errors = append(o.Errors, http.StatusConflict, http.StatusPreconditionFailed, http.StatusPreconditionRequired)
	return o
}

// principal returns the caller or 401.
func principal(ctx context.Context) (*rbac.Principal, error) {
	p := auth.PrincipalFrom(ctx)
	if p == nil {
		return nil, huma.Error401Unauthorized("sign in or send an API token (Authorization: Bearer rampart_...)")
	}
	return p, nil
}

// allow checks the caller may do a on r.
func allow(ctx context.Context, a rbac.Action, r rbac.Resource) (*rbac.Principal, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.Check(a, r); err != nil {
		return nil, huma.Error403Forbidden(err.Error())
	}
	return p, nil
}

// actor is the register's name for the caller.
func actor(p *rbac.Principal) register.Actor { return register.Actor{Name: p.User} }

// resource is the rbac view of a system.
func resource(s store.System) rbac.Resource {
	return rbac.Resource{System: s.ID, Team: s.OwnerTeam, Classification: s.Classification}
}

// system loads a system and checks the caller may do a on it.
func (s *Server) system(ctx context.Context, id string, a rbac.Action) (store.System, *rbac.Principal, error) {
	if _, err := principal(ctx); err != nil {
		return store.System{}, nil, err
	}
	sys, err := s.store.GetSystem(ctx, id)
	if err != nil {
		return store.System{}, nil, s.fail(ctx, err)
	}
	p, err := allow(ctx, a, resource(sys))
	return sys, p, err
}

func (s *Server) routes() {
	s.authRoutes()
	s.systemRoutes()
	s.versionRoutes()
	s.threatRoutes()
	s.acceptanceRoutes()
	s.exceptionRoutes()
	s.exceptionRenewal()
	s.reviewRoutes()
	s.policyRoutes()
	s.userRoutes()
	s.auditRoutes()
	s.alertRoutes()
}
