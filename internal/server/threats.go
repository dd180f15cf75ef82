package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
)

// ThreatPath names a threat in a path.
type ThreatPath struct {
	SystemPath
	Threat string `path:"threat" maxLength:"300" doc:"Stable threat id (rule@element)."`
}

type threatOutput struct {
	ETag string `header:"ETag"`
	Body store.Threat
}

type eventOutput struct {
	Body store.ThreatEvent
}

// ThreatChange is a change to a threat's register entry; absent fields stay.
type ThreatChange struct {
	Status *model.TreatmentStatus `json:"status,omitempty" enum:"open,mitigating,mitigated,transferred,avoided,false-positive" doc:"Accepted is reached only through an approved acceptance."`
	Owner  *string                `json:"owner,omitempty" maxLength:"64"`
	Due    *string                `json:"due,omitempty" doc:"YYYY-MM-DD; empty clears it."`
	// Comment is added to the history with the change.
	Comment string `json:"comment,omitempty" maxLength:"10000"`
}

// Decision is the register's decision on one threat, in the shape of a
// model file's treatments entry: what `rampart pull` writes and what
// `rampart check --server` gates on.
type Decision struct {
	Threat        string                `json:"threat"`
	Status        model.TreatmentStatus `json:"status"`
	Owner         string                `json:"owner,omitempty"`
	Due           string                `json:"due,omitempty"`
	Justification string                `json:"justification,omitempty"`
	AcceptedBy    string                `json:"accepted_by,omitempty"`
	Expires       string                `json:"expires,omitempty"`
	// Acceptance is the acceptance behind an accepted status.
	Acceptance int64 `json:"acceptance,omitempty"`
}

// Decisions is a system's register as of its latest version.
type Decisions struct {
	System    string     `json:"system"`
	Version   int        `json:"version"`
	Decisions []Decision `json:"decisions"`
}

type decisionsOutput struct {
	Body Decisions
}

// ThreatQuery filters and sorts threat lists.
type ThreatQuery struct {
	Page
	Status      []string `query:"status,explode" enum:"open,mitigating,mitigated,accepted,transferred,avoided,false-positive" doc:"Any of these states."`
	Severity    []string `query:"severity,explode" enum:"low,medium,high,critical" doc:"Any of these residual severities."`
	Owner       string   `query:"owner" maxLength:"64"`
	Rule        string   `query:"rule" maxLength:"100"`
	DueBefore   string   `query:"due_before" format:"date"`
	IncludeGone bool     `query:"include_gone" doc:"Also threats gone from the latest version."`
	Sort        string   `query:"sort" enum:"id,-id,severity,-severity,due,-due,updated,-updated" default:"-severity"`
}

func (q ThreatQuery) filter(systemID string) store.ThreatFilter {
	f := store.ThreatFilter{SystemID: systemID, Owner: q.Owner, Rule: q.Rule, DueBefore: q.DueBefore,
		IncludeGone: q.IncludeGone, Sort: q.Sort, Limit: q.Limit, Offset: q.Offset}
	for _, st := range q.Status {
		f.Status = append(f.Status, model.TreatmentStatus(st))
	}
	for _, sv := range q.Severity {
		f.Severity = append(f.Severity, model.Severity(sv))
	}
	return f
}

func (s *Server) threatRoutes() {
	huma.Register(s.api, op("list-threats", http.MethodGet, "/systems/{system}/threats", "register",
		"A system's threats with their register state, filtered, sorted and paged"),
		func(ctx context.Context, in *struct {
			SystemPath
			ThreatQuery
		}) (*ListOutput[store.Threat], error) {
			if _, _, err := s.system(ctx, in.System, rbac.ReadSystem); err != nil {
				return nil, err
			}
			f := in.filter(in.System)
			items, err := s.store.ListThreats(ctx, f)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			// A first page that is not full holds every match: no count needed.
			total := len(items)
			if in.Offset > 0 || len(items) >= in.Limit {
				if total, err = s.store.CountThreats(ctx, f); err != nil {
					return nil, s.fail(ctx, err)
				}
			}
			return &ListOutput[store.Threat]{Body: List[store.Threat]{Items: nonNil(items), Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})

	huma.Register(s.api, op("get-threat", http.MethodGet, "/systems/{system}/threats/{threat}", "register", "One threat"),
		func(ctx context.Context, in *ThreatPath) (*threatOutput, error) {
			if _, _, err := s.system(ctx, in.System, rbac.ReadSystem); err != nil {
				return nil, err
			}
			t, err := s.store.GetThreat(ctx, in.System, in.Threat)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &threatOutput{ETag: etag(t.Version), Body: t}, nil
		})

	huma.Register(s.api, update(op("update-threat", http.MethodPatch, "/systems/{system}/threats/{threat}", "register",
		"Change a threat's status, owner or due date")),
		func(ctx context.Context, in *struct {
			ThreatPath
			IfMatch
			Body ThreatChange
		}) (*threatOutput, error) {
			v, err := in.version()
			if err != nil {
				return nil, err
			}
			_, p, err := s.system(ctx, in.System, rbac.UpdateRegister)
			if err != nil {
				return nil, err
			}
			if in.Body.Status == nil && in.Body.Owner == nil && in.Body.Due == nil {
				return nil, huma.Error400BadRequest("nothing to change: give status, owner or due")
			}
			t, err := s.reg.UpdateThreat(ctx, actor(p), in.System, in.Threat, v,
				register.ThreatPatch{Status: in.Body.Status, Owner: in.Body.Owner, Due: in.Body.Due, Comment: in.Body.Comment})
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &threatOutput{ETag: etag(t.Version), Body: t}, nil
		})

	o := op("comment-threat", http.MethodPost, "/systems/{system}/threats/{threat}/comments", "register", "Comment on a threat")
	o.DefaultStatus = http.StatusCreated
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		ThreatPath
		Body struct {
			Text string `json:"text" minLength:"1" maxLength:"10000"`
		}
	}) (*eventOutput, error) {
		_, p, err := s.system(ctx, in.System, rbac.UpdateRegister)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(in.Body.Text) == "" {
			return nil, huma.Error400BadRequest("empty comment")
		}
		ev, err := s.reg.Comment(ctx, actor(p), in.System, in.Threat, in.Body.Text)
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &eventOutput{Body: ev}, nil
	})

	huma.Register(s.api, op("threat-history", http.MethodGet, "/systems/{system}/threats/{threat}/history", "register",
		"A threat's history: status, owner and due changes, comments, acceptances, versions"),
		func(ctx context.Context, in *struct {
			ThreatPath
			Page
		}) (*ListOutput[store.ThreatEvent], error) {
			if _, _, err := s.system(ctx, in.System, rbac.ReadSystem); err != nil {
				return nil, err
			}
			if _, err := s.store.GetThreat(ctx, in.System, in.Threat); err != nil {
				return nil, s.fail(ctx, err)
			}
			evs, err := s.store.ListThreatEvents(ctx, in.System, in.Threat)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &ListOutput[store.ThreatEvent]{Body: page(evs, in.Page)}, nil
		})

	huma.Register(s.api, op("get-decisions", http.MethodGet, "/systems/{system}/decisions", "register",
		"The register's decisions in the model's treatments shape (for rampart pull and check --server)"),
		func(ctx context.Context, in *SystemPath) (*decisionsOutput, error) {
			sys, _, err := s.system(ctx, in.System, rbac.ReadSystem)
			if err != nil {
				return nil, err
			}
			d, err := s.decisions(ctx, sys)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &decisionsOutput{Body: d}, nil
		})
}

// decisions projects the register onto treatments entries: every threat of
// the latest version whose state was decided on the server (anything but a
// plain open threat with no owner or due date).
func (s *Server) decisions(ctx context.Context, sys store.System) (Decisions, error) {
	ts, err := s.store.SystemThreats(ctx, sys.ID)
	if err != nil {
		return Decisions{}, err
	}
	acc, err := s.store.ListAcceptances(ctx, store.AcceptanceFilter{SystemID: sys.ID, State: []store.AcceptanceState{store.AcceptanceAccepted}})
	if err != nil {
		return Decisions{}, err
	}
	byID := map[int64]store.Acceptance{}
	for _, a := range acc {
		byID[a.ID] = a
	}
	out := Decisions{System: sys.ID, Version: sys.LatestVersion, Decisions: []Decision{}}
	for _, t := range ts {
		if t.Gone || (t.Status == "open" && t.Owner == "" && t.Due == "") {
			continue
		}
		d := Decision{Threat: t.ID, Status: t.Status, Owner: t.Owner, Due: t.Due}
		if a, ok := byID[t.AcceptanceID]; ok && t.Status == "accepted" {
			d.Justification, d.AcceptedBy, d.Expires, d.Acceptance = a.Justification, a.DecidedBy, a.Expires, a.ID
		}
		out.Decisions = append(out.Decisions, d)
	}
	return out, nil
}
