package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-identity-propagation", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitEndUserRequests) {
				continue
			}
			r := e.Rate(c.ID)
			if c.MultiTenant && r.C < 2 && r.I < 2 && r.A < 2 {
				continue
			}
			if !c.MultiTenant && !r.Sensitive() {
				continue
			}
			for _, in := range e.Incoming(c.ID) {
				caller := e.Source(in)
				if caller == nil || !e.Is(caller, threats.TraitPropagates) || threats.Kind(caller) == model.KindDataStore {
					continue
				}
				if !e.Authenticated(in) || perUser(in.Authorization) {
					continue
				}
				if in.Usage == "devops" && in.Authorization != "" && in.Authorization != "none" {
					continue
				}
				impact := 2
				if r.Top() {
					impact = 3
				}
				authz := string(in.Authorization)
				if authz == "" {
					authz = "no"
				}
				emit(threats.Hit{
					Targets: []string{in.ID},
					Detail: fmt.Sprintf("'%s' calls '%s' over %s with %s authorization: '%s' cannot tell which end "+
						"user a request is for, so a compromised '%s' reaches every user's data.",
						e.Name(caller.ID), e.Name(c.ID), e.FlowName(in), authz, e.Name(c.ID), e.Name(caller.ID)),
					Data:   e.DataAtStake(c.ID, in.ID),
					Impact: impact,
				})
			}
		}
	})
}

// perUser reports whether an authorization decides per end user: on the
// propagated identity itself or on the user's roles or attributes.
func perUser(a model.Authorization) bool { return a == "enduser" || a == "rbac" || a == "abac" }
