package server

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

// SystemFields are the settable fields of a system.
type SystemFields struct {
	Name           string               `json:"name" minLength:"1" maxLength:"200"`
	OwnerTeam      string               `json:"owner_team,omitempty" maxLength:"100" doc:"The accountable team."`
	RiskOwner      string               `json:"risk_owner,omitempty" maxLength:"64" doc:"User name of the senior risk owner."`
	SRO            string               `json:"sro,omitempty" maxLength:"64" doc:"User name of the senior responsible owner."`
	Classification model.Classification `json:"classification,omitempty" enum:"public,internal,confidential,restricted,official,official-sensitive,secret,top-secret"`
	Tier           string               `json:"tier,omitempty" maxLength:"50"`
}

type systemOutput struct {
	ETag string `header:"ETag"`
	Body store.System
}

// SystemPath names a system in a path.
type SystemPath struct {
	System string `path:"system" maxLength:"100" doc:"System id, as in the model's system.id."`
}

func (s *Server) systemRoutes() {
	huma.Register(s.api, op("list-systems", http.MethodGet, "/systems", "systems", "List the systems the caller may read"),
		func(ctx context.Context, in *struct {
			Page
			Team           string `query:"team" doc:"Only systems of this owner team."`
			Tier           string `query:"tier"`
			Classification string `query:"classification"`
			Q              string `query:"q" maxLength:"100" doc:"Substring of the id or name."`
			Sort           string `query:"sort" enum:"id,-id,name,-name,updated,-updated" default:"id"`
		}) (*ListOutput[store.System], error) {
			p, err := principal(ctx)
			if err != nil {
				return nil, err
			}
			all, err := s.store.ListSystems(ctx, 0, 0)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			all = rbac.Visible(p, all, resource)
			all = slices.DeleteFunc(all, func(x store.System) bool {
				return (in.Team != "" && x.OwnerTeam != in.Team) || (in.Tier != "" && x.Tier != in.Tier) ||
					(in.Classification != "" && string(x.Classification) != in.Classification) ||
					(in.Q != "" && !strings.Contains(x.ID, in.Q) && !strings.Contains(strings.ToLower(x.Name), strings.ToLower(in.Q)))
			})
			sortSystems(all, in.Sort)
			return &ListOutput[store.System]{Body: page(all, in.Page)}, nil
		})

	o := op("create-system", http.MethodPost, "/systems", "systems", "Register a system (one per model)")
	o.DefaultStatus = http.StatusCreated
	o.Errors = append(o.Errors, http.StatusConflict)
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		Body struct {
			ID string `json:"id" pattern:"^[a-z0-9][a-z0-9._-]*$" maxLength:"100" doc:"The model's system.id."`
			SystemFields
		}
	}) (*systemOutput, error) {
		p, err := allow(ctx, rbac.ManageSystem, rbac.Resource{System: in.Body.ID, Team: in.Body.OwnerTeam})
		if err != nil {
			return nil, err
		}
		sys, err := s.reg.CreateSystem(ctx, actor(p), store.System{ID: in.Body.ID, Name: in.Body.Name,
			OwnerTeam: in.Body.OwnerTeam, RiskOwner: in.Body.RiskOwner, SRO: in.Body.SRO,
			Classification: in.Body.Classification, Tier: in.Body.Tier})
		if err != nil {
			return nil, s.fail(ctx, err)
		}
		return &systemOutput{ETag: etag(sys.Version), Body: sys}, nil
	})

	huma.Register(s.api, op("get-system", http.MethodGet, "/systems/{system}", "systems", "One system"),
		func(ctx context.Context, in *SystemPath) (*systemOutput, error) {
			sys, _, err := s.system(ctx, in.System, rbac.ReadSystem)
			if err != nil {
				return nil, err
			}
			return &systemOutput{ETag: etag(sys.Version), Body: sys}, nil
		})

	huma.Register(s.api, update(op("update-system", http.MethodPut, "/systems/{system}", "systems",
		"Change a system's owner team, risk owner, SRO, classification or tier")),
		func(ctx context.Context, in *struct {
			SystemPath
			IfMatch
			Body SystemFields
		}) (*systemOutput, error) {
			v, err := in.version()
			if err != nil {
				return nil, err
			}
			sys, p, err := s.system(ctx, in.System, rbac.ManageSystem)
			if err != nil {
				return nil, err
			}
			// Moving a system to another team or classification needs the right there too.
			next := sys
			next.Name, next.OwnerTeam, next.RiskOwner, next.SRO = in.Body.Name, in.Body.OwnerTeam, in.Body.RiskOwner, in.Body.SRO
			next.Classification, next.Tier, next.Version = in.Body.Classification, in.Body.Tier, v
			if _, err := allow(ctx, rbac.ManageSystem, resource(next)); err != nil {
				return nil, err
			}
			sys, err = s.reg.UpdateSystem(ctx, actor(p), next)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &systemOutput{ETag: etag(sys.Version), Body: sys}, nil
		})
}

func sortSystems(all []store.System, by string) {
	desc := strings.HasPrefix(by, "-")
	key := strings.TrimPrefix(by, "-")
	slices.SortStableFunc(all, func(a, b store.System) int {
		var c int
		switch key {
		case "name":
			c = cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
		case "updated":
			c = cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), strings.Compare(a.ID, b.ID))
		default:
			c = strings.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
}
