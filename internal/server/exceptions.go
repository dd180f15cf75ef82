package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

type exceptionOutput struct {
	ETag string `header:"ETag"`
	Body store.Exception
}

type reviewOutput struct {
	ETag string `header:"ETag"`
	Body store.Review
}

// Overdue lists what is past its date across the systems the caller reads.
type Overdue struct {
	register.Overdue
	AsOf string `json:"as_of"`
}

type overdueOutput struct{ Body Overdue }

func (s *Server) exceptionRoutes() {
	o := op("request-exception", http.MethodPost, "/systems/{system}/exceptions", "exceptions",
		"Draft a policy exception: reason, risk of not following the policy, mitigations not implemented, difficulties, review date")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		SystemPath
		Body struct {
			Title        string   `json:"title" minLength:"1" maxLength:"200"`
			Reason       string   `json:"reason" minLength:"1" maxLength:"10000"`
			Risk         string   `json:"risk" minLength:"1" maxLength:"10000" doc:"Risk to the organisation of not following the policy."`
			Mitigations  []string `json:"mitigations" maxItems:"100" doc:"Mitigations that will not be implemented."`
			Difficulties string   `json:"difficulties" maxLength:"10000" doc:"Technical and other difficulties."`
			ReviewDate   string   `json:"review_date" format:"date"`
			Submit       bool     `json:"submit,omitempty"`
		}
	}) (*exceptionOutput, error) {
		_, p, err := s.system(ctx, in.System, rbac.RequestException)
		if err != nil {
			return nil, err
		}
		e, err := s.reg.RequestException(ctx, actor(p), store.Exception{SystemID: in.System, Title: in.Body.Title, Reason: in.Body.Reason,
			Risk: in.Body.Risk, Mitigations: nonNil(in.Body.Mitigations), Difficulties: in.Body.Difficulties, ReviewDate: in.Body.ReviewDate})
		if err == nil && in.Body.Submit {
			e, err = s.reg.SubmitException(ctx, actor(p), e.ID, e.Version)
		}
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &exceptionOutput{ETag: etag(e.Version), Body: e}, nil
	})

	huma.Register(s.api, op("list-exceptions", http.MethodGet, "/exceptions", "exceptions", "Policy exceptions the caller may read"),
		func(ctx context.Context, in *struct {
			Page
			System       string   `query:"system" maxLength:"100"`
			State        []string `query:"state,explode" enum:"draft,submitted,approved,rejected,revoked"`
			ReviewBefore string   `query:"review_before" format:"date"`
		}) (*ListOutput[store.Exception], error) {
			f := store.ExceptionFilter{SystemID: in.System, ReviewBefore: in.ReviewBefore}
			for _, st := range in.State {
				f.State = append(f.State, store.ExceptionState(st))
			}
			all, err := s.store.ListExceptions(ctx, f)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			vis, err := visibleBy(ctx, s, all, func(e store.Exception) string { return e.SystemID })
			if err != nil {
				return nil, err
			}
			return &ListOutput[store.Exception]{Body: page(vis, in.Page)}, nil
		})

	huma.Register(s.api, op("get-exception", http.MethodGet, "/exceptions/{id}", "exceptions", "One policy exception"),
		func(ctx context.Context, in *IDPath) (*exceptionOutput, error) {
			e, _, err := s.exception(ctx, in.ID, rbac.ReadSystem)
			if err != nil {
				return nil, err
			}
			return &exceptionOutput{ETag: etag(e.Version), Body: e}, nil
		})

	transitions := []struct {
		verb, summary string
		action        rbac.Action
		do            func(ctx context.Context, by register.Actor, id, version int64, note string) (store.Exception, error)
	}{
		{"submit", "Submit a draft exception to the SRO (its requester)", rbac.RequestException,
			func(ctx context.Context, by register.Actor, id, version int64, _ string) (store.Exception, error) {
				return s.reg.SubmitException(ctx, by, id, version)
			}},
		{"approve", "Approve an exception (the SRO; never the requester)", rbac.DecideException,
			func(ctx context.Context, by register.Actor, id, version int64, note string) (store.Exception, error) {
				return s.reg.DecideException(ctx, by, id, version, register.Decision{Accept: true, Note: note})
			}},
		{"reject", "Reject a submitted exception", rbac.DecideException,
			func(ctx context.Context, by register.Actor, id, version int64, note string) (store.Exception, error) {
				return s.reg.DecideException(ctx, by, id, version, register.Decision{Accept: false, Note: note})
			}},
		{"revoke", "Revoke an approved exception", rbac.DecideException, s.reg.RevokeException},
	}
	for _, t := range transitions {
		huma.Register(s.api, update(op(t.verb+"-exception", http.MethodPost, "/exceptions/{id}/"+t.verb, "exceptions", t.summary)),
			func(ctx context.Context, in *decisionInput) (*exceptionOutput, error) {
				v, err := in.version()
				if err != nil {
					return nil, err
				}
				_, p, err := s.exception(ctx, in.ID, t.action)
				if err != nil {
					return nil, err
				}
				e, err := t.do(ctx, actor(p), in.ID, v, in.note())
				if err != nil {
					return nil, s.fail(ctx, err)
				}
				return &exceptionOutput{ETag: etag(e.Version), Body: e}, nil
			})
	}
}

func (s *Server) exceptionRenewal() {
	huma.Register(s.api, update(op("renew-exception", http.MethodPost, "/exceptions/{id}/renew", "exceptions",
		"Move an approved exception's review date on after its review (the SRO)")),
		func(ctx context.Context, in *struct {
			IDPath
			IfMatch
			Body struct {
				ReviewDate string `json:"review_date" doc:"The next review date, YYYY-MM-DD."`
				Note       string `json:"note,omitempty" maxLength:"10000"`
			}
		}) (*exceptionOutput, error) {
			v, err := in.version()
			if err != nil {
				return nil, err
			}
			_, p, err := s.exception(ctx, in.ID, rbac.DecideException)
			if err != nil {
				return nil, err
			}
			e, err := s.reg.RenewException(ctx, actor(p), in.ID, v, in.Body.ReviewDate, in.Body.Note)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &exceptionOutput{ETag: etag(e.Version), Body: e}, nil
		})
}

func (s *Server) exception(ctx context.Context, id int64, a rbac.Action) (store.Exception, *rbac.Principal, error) {
	if _, err := principal(ctx); err != nil {
		return store.Exception{}, nil, err
	}
	e, err := s.store.GetException(ctx, id)
	if err != nil {
		return store.Exception{}, nil, s.fail(ctx, err)
	}
	_, p, err := s.system(ctx, e.SystemID, a)
	return e, p, err
}

func (s *Server) reviewRoutes() {
	huma.Register(s.api, op("list-reviews", http.MethodGet, "/reviews", "reviews", "Reviews of model versions and periodic model reviews"),
		func(ctx context.Context, in *struct {
			Page
			System    string   `query:"system" maxLength:"100"`
			State     []string `query:"state,explode" enum:"open,done"`
			Kind      string   `query:"kind" enum:"version,periodic"`
			DueBefore string   `query:"due_before" format:"date"`
		}) (*ListOutput[store.Review], error) {
			f := store.ReviewFilter{SystemID: in.System, Kind: store.ReviewKind(in.Kind), DueBefore: in.DueBefore}
			for _, st := range in.State {
				f.State = append(f.State, store.ReviewState(st))
			}
			all, err := s.store.ListReviews(ctx, f)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			vis, err := visibleBy(ctx, s, all, func(r store.Review) string { return r.SystemID })
			if err != nil {
				return nil, err
			}
			return &ListOutput[store.Review]{Body: page(vis, in.Page)}, nil
		})

	huma.Register(s.api, op("get-review", http.MethodGet, "/reviews/{id}", "reviews", "One review"),
		func(ctx context.Context, in *IDPath) (*reviewOutput, error) {
			r, _, err := s.review(ctx, in.ID, rbac.ReadSystem)
			if err != nil {
				return nil, err
			}
			return &reviewOutput{ETag: etag(r.Version), Body: r}, nil
		})

	huma.Register(s.api, op("review-changes", http.MethodGet, "/reviews/{id}/changes", "reviews",
		"What changed in the system's threats since the review before: the starting point of this review"),
		func(ctx context.Context, in *IDPath) (*ListOutput[store.VersionChange], error) {
			if _, _, err := s.review(ctx, in.ID, rbac.ReadSystem); err != nil {
				return nil, err
			}
			chs, err := s.reg.ReviewChanges(ctx, in.ID)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &ListOutput[store.VersionChange]{Body: page(chs, Page{Limit: max(1, len(chs))})}, nil
		})

	huma.Register(s.api, update(op("complete-review", http.MethodPost, "/reviews/{id}/complete", "reviews",
		"Sign off a review (the SRO)")),
		func(ctx context.Context, in *decisionInput) (*reviewOutput, error) {
			v, err := in.version()
			if err != nil {
				return nil, err
			}
			_, p, err := s.review(ctx, in.ID, rbac.CompleteReview)
			if err != nil {
				return nil, err
			}
			r, err := s.reg.CompleteReview(ctx, actor(p), in.ID, v, in.note())
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &reviewOutput{ETag: etag(r.Version), Body: r}, nil
		})

	huma.Register(s.api, op("list-overdue", http.MethodGet, "/overdue", "reviews",
		"Everything past its date: treatments, acceptances, exceptions and reviews"),
		func(ctx context.Context, _ *struct{}) (*overdueOutput, error) {
			o, err := s.overdue(ctx)
			if err != nil {
				return nil, err
			}
			return &overdueOutput{Body: o}, nil
		})
}

func (s *Server) review(ctx context.Context, id int64, a rbac.Action) (store.Review, *rbac.Principal, error) {
	if _, err := principal(ctx); err != nil {
		return store.Review{}, nil, err
	}
	r, err := s.store.GetReview(ctx, id)
	if err != nil {
		return store.Review{}, nil, s.fail(ctx, err)
	}
	_, p, err := s.system(ctx, r.SystemID, a)
	return r, p, err
}

func (s *Server) overdue(ctx context.Context) (Overdue, error) {
	all, err := s.reg.Overdue(ctx, "")
	if err != nil {
		return Overdue{}, s.fail(ctx, err)
	}
	o := Overdue{AsOf: s.opts.Now().UTC().Format("2006-01-02")}
	if o.Treatments, err = visibleBy(ctx, s, all.Treatments, func(t store.Threat) string { return t.SystemID }); err != nil {
		return Overdue{}, err
	}
	if o.Acceptances, err = visibleBy(ctx, s, all.Acceptances, func(a store.Acceptance) string { return a.SystemID }); err != nil {
		return Overdue{}, err
	}
	if o.Exceptions, err = visibleBy(ctx, s, all.Exceptions, func(e store.Exception) string { return e.SystemID }); err != nil {
		return Overdue{}, err
	}
	if o.Reviews, err = visibleBy(ctx, s, all.Reviews, func(r store.Review) string { return r.SystemID }); err != nil {
		return Overdue{}, err
	}
	o.TreatmentsTotal = len(o.Treatments)
	o.Treatments, o.Acceptances, o.Exceptions, o.Reviews = nonNil(o.Treatments), nonNil(o.Acceptances), nonNil(o.Exceptions), nonNil(o.Reviews)
	return o, nil
}
