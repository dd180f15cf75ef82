package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-identity-propagation",
			Title:       "Missing end-user identity propagation",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege},
			Scope:       ScopeFlow,
			CWE:         []int{284, 441},
			CAPEC:       []int{122},
			ATTACK:      []string{"T1078"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"access-control", "least-privilege"},
			Threagile:   []string{"missing-identity-propagation"},
			Trigger: "An authenticated flow from a component able to pass on its caller's identity reaches an in-scope " +
				"component that serves end-user requests (web application, web server, API, application server, " +
				"ERP, ...) and handles sensitive data (or, when multi-tenant, any data above internal), while the " +
				"flow's authorization is not per end user (enduser, or rbac/abac on the user's roles and attributes). DevOps flows count only when they have no authorization at all.",
			Why: "The called component authorises the caller's technical account, not the person on whose behalf it " +
				"acts. Whoever compromises the calling component, or tricks it (confused deputy), can read or change " +
				"every user's and every tenant's data.",
			Mitigation: "Pass the end user's identity downstream (signed tokens such as JWT with audience and expiry, " +
				"token exchange) and authorise each request against it in the backend; for DevOps access use at " +
				"least a dedicated technical user with least privilege.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
				"https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !tgIs(c, trEndUserRequests) {
					continue
				}
				r := e.tgRate(c.ID)
				if c.MultiTenant && r.C < 2 && r.I < 2 && r.A < 2 {
					continue
				}
				if !c.MultiTenant && !r.tgSensitive() {
					continue
				}
				for _, in := range e.Incoming(c.ID) {
					caller := e.Source(in)
					if caller == nil || !tgIs(caller, trPropagates) || Kind(caller) == model.KindDataStore {
						continue
					}
					if !e.Authenticated(in) || tgPerUser(in.Authorization) {
						continue
					}
					if in.Usage == "devops" && in.Authorization != "" && in.Authorization != "none" {
						continue
					}
					impact := 2
					if r.tgTop() {
						impact = 3
					}
					authz := string(in.Authorization)
					if authz == "" {
						authz = "no"
					}
					emit(Hit{
						Targets: []string{in.ID},
						Detail: fmt.Sprintf("'%s' calls '%s' over %s with %s authorization: '%s' cannot tell which end "+
							"user a request is for, so a compromised '%s' reaches every user's data.",
							e.Name(caller.ID), e.Name(c.ID), e.tgFlowName(in), authz, e.Name(c.ID), e.Name(caller.ID)),
						Data:   e.DataAtStake(c.ID, in.ID),
						Impact: impact,
					})
				}
			}
		},
	})
}

// tgPerUser reports whether an authorization decides per end user: on the
// propagated identity itself or on the user's roles or attributes.
func tgPerUser(a model.Authorization) bool { return a == "enduser" || a == "rbac" || a == "abac" }
