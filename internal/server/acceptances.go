package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// IDPath names an acceptance, exception, review or token by number.
type IDPath struct {
	ID int64 `path:"id" minimum:"1"`
}

type acceptanceOutput struct {
	ETag string `header:"ETag"`
	Body store.Acceptance
}

// decisionInput is the body of a state change: an optional note.
type decisionInput struct {
	IDPath
	IfMatch
	Body *struct {
		Note string `json:"note,omitempty" maxLength:"10000" doc:"Why: shown in the history and the audit trail."`
	}
}

func (d *decisionInput) note() string {
	if d.Body == nil {
		return ""
	}
	return d.Body.Note
}

func (s *Server) acceptanceRoutes() {
	o := op("request-acceptance", http.MethodPost, "/systems/{system}/acceptances", "acceptances",
		"Draft a risk acceptance for one or more threats (several make a bulk decision)")
	o.DefaultStatus = http.StatusCreated
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		SystemPath
		Body struct {
			Threats       []string `json:"threats,omitempty" maxItems:"500" uniqueItems:"true" doc:"Threat ids; may be empty when extending."`
			Justification string   `json:"justification" minLength:"1" maxLength:"10000"`
			Expires       string   `json:"expires" format:"date" doc:"YYYY-MM-DD, within the policy's maximum."`
			Extends       int64    `json:"extends,omitempty" doc:"The expired or expiring acceptance this one renews."`
			Submit        bool     `json:"submit,omitempty" doc:"Submit at once instead of leaving a draft."`
		}
	}) (*acceptanceOutput, error) {
		_, p, err := s.system(ctx, in.System, rbac.RequestAcceptance)
		if err != nil {
			return nil, err
		}
		a, err := s.reg.RequestAcceptance(ctx, actor(p), register.AcceptanceRequest{SystemID: in.System, ThreatIDs: in.Body.Threats,
			Justification: in.Body.Justification, Expires: in.Body.Expires, Extends: in.Body.Extends})
		if err == nil && in.Body.Submit {
			a, err = s.reg.SubmitAcceptance(ctx, actor(p), a.ID, a.Version)
		}
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &acceptanceOutput{ETag: etag(a.Version), Body: a}, nil
	})

	huma.Register(s.api, op("list-acceptances", http.MethodGet, "/acceptances", "acceptances", "Risk acceptances the caller may read"),
		func(ctx context.Context, in *struct {
			Page
			System        string   `query:"system" maxLength:"100"`
			State         []string `query:"state,explode" enum:"draft,submitted,accepted,rejected,revoked,expired"`
			ExpiresBefore string   `query:"expires_before" format:"date"`
			Threat        string   `query:"threat" maxLength:"300"`
		}) (*ListOutput[store.Acceptance], error) {
			f := store.AcceptanceFilter{SystemID: in.System, ExpiresBefore: in.ExpiresBefore, ThreatID: in.Threat}
			for _, st := range in.State {
				f.State = append(f.State, store.AcceptanceState(st))
			}
			all, err := s.store.ListAcceptances(ctx, f)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			vis, err := visibleBy(ctx, s, all, func(a store.Acceptance) string { return a.SystemID })
			if err != nil {
				return nil, err
			}
			return &ListOutput[store.Acceptance]{Body: page(vis, in.Page)}, nil
		})

	huma.Register(s.api, op("get-acceptance", http.MethodGet, "/acceptances/{id}", "acceptances", "One risk acceptance"),
		func(ctx context.Context, in *IDPath) (*acceptanceOutput, error) {
			a, _, err := s.acceptance(ctx, in.ID, rbac.ReadSystem)
			if err != nil {
				return nil, err
			}
			return &acceptanceOutput{ETag: etag(a.Version), Body: a}, nil
		})

	transitions := []struct {
		id, summary string
		action      rbac.Action
		do          func(ctx context.Context, by register.Actor, id, version int64, note string) (store.Acceptance, error)
	}{
		{"submit-acceptance", "Submit a draft for decision (its requester)", rbac.RequestAcceptance,
			func(ctx context.Context, by register.Actor, id, version int64, _ string) (store.Acceptance, error) {
				return s.reg.SubmitAcceptance(ctx, by, id, version)
			}},
		{"approve-acceptance", "Accept the risk (the system's risk owner or SRO; never the requester)", rbac.DecideAcceptance,
			func(ctx context.Context, by register.Actor, id, version int64, note string) (store.Acceptance, error) {
				return s.reg.DecideAcceptance(ctx, by, id, version, register.Decision{Accept: true, Note: note})
			}},
		{"reject-acceptance", "Reject a submitted acceptance", rbac.DecideAcceptance,
			func(ctx context.Context, by register.Actor, id, version int64, note string) (store.Acceptance, error) {
				return s.reg.DecideAcceptance(ctx, by, id, version, register.Decision{Accept: false, Note: note})
			}},
		{"revoke-acceptance", "Revoke an accepted risk: its threats re-open", rbac.RevokeAcceptance, s.reg.RevokeAcceptance},
		{"confirm-acceptance", "Keep an accepted risk whose risk changed, recording the new risk (a re-review)", rbac.DecideAcceptance, s.reg.ConfirmAcceptance},
	}
	for _, t := range transitions {
		verb := t.id[:len(t.id)-len("-acceptance")]
		huma.Register(s.api, update(op(t.id, http.MethodPost, "/acceptances/{id}/"+verb, "acceptances", t.summary)),
			func(ctx context.Context, in *decisionInput) (*acceptanceOutput, error) {
				v, err := in.version()
				if err != nil {
					return nil, err
				}
				_, p, err := s.acceptance(ctx, in.ID, t.action)
				if err != nil {
					return nil, err
				}
				a, err := t.do(ctx, actor(p), in.ID, v, in.note())
				if err != nil {
					return nil, s.fail(ctx, err)
				}
				return &acceptanceOutput{ETag: etag(a.Version), Body: a}, nil
			})
	}
}

// acceptance loads an acceptance and checks the caller may do a on its system.
func (s *Server) acceptance(ctx context.Context, id int64, a rbac.Action) (store.Acceptance, *rbac.Principal, error) {
	if _, err := principal(ctx); err != nil {
		return store.Acceptance{}, nil, err
	}
	acc, err := s.store.GetAcceptance(ctx, id)
	if err != nil {
		return store.Acceptance{}, nil, s.fail(ctx, err)
	}
	_, p, err := s.system(ctx, acc.SystemID, a)
	return acc, p, err
}

// visibleBy keeps the items whose system the caller may read.
func visibleBy[T any](ctx context.Context, s *Server, items []T, systemOf func(T) string) ([]T, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	systems := map[string]*store.System{}
	out := items[:0:0]
	for _, it := range items {
		id := systemOf(it)
		if id == "" { // not tied to one system: register-wide readers only
			if p.Allowed(rbac.ReadPolicy, rbac.Resource{}) {
				out = append(out, it)
			}
			continue
		}
		sys, ok := systems[id]
		if !ok {
			got, err := s.store.GetSystem(ctx, id)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			sys = &got
			systems[id] = sys
		}
		if p.Allowed(rbac.ReadSystem, resource(*sys)) {
			out = append(out, it)
		}
	}
	return out, nil
}
