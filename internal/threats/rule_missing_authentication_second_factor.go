package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-authentication-second-factor",
			Title:       "Missing second authentication factor for people",
			STRIDE:      []model.STRIDE{model.Spoofing, model.ElevationOfPrivilege},
			Scope:       ScopeFlow,
			CWE:         []int{308},
			CAPEC:       []int{49, 555, 600},
			ATTACK:      []string{"T1078", "T1110"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"mfa", "admin-mfa"},
			Threagile:   []string{"missing-authentication-second-factor"},
			Trigger: "A person's client (an external entity or client device marked human_use) sends confidential data or data of high integrity to an " +
				"in-scope component that handles sensitive data or serves several tenants, without a second factor " +
				"(flow authentication is not mfa and the target does not require mfa). A forwarder in between (load " +
				"balancer, reverse proxy, WAF) is looked through.",
			Why: "Passwords and session tokens of people are phished, guessed, reused from other breaches or stolen " +
				"from their devices. With a single factor, any of these gives the attacker the person's access to " +
				"the sensitive data.",
			Mitigation: "Require a second factor (TOTP, push, FIDO2/WebAuthn, smart card) for people reaching sensitive " +
				"functions or data, at least for administrators and for access from outside the corporate network.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Multifactor_Authentication_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/308.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			excluded := func(c *model.Component) bool {
				return c == nil || tgAny(c, trTolerated) || Kind(c) == model.KindDataStore
			}
			// a person's own device or client: a process people use directly
			// (a web application's UI) calls others on its own behalf, not as the person
			person := func(c *model.Component) bool {
				return c.HumanUse && (Kind(c) == model.KindExternalEntity || tgAny(c, trClient))
			}
			risky := func(f *model.Flow) bool {
				r := e.tgRate(f.ID)
				return (r.C >= 3 || r.I >= 3) && f.Authentication != "mfa"
			}
			for _, c := range e.Components() {
				if tgAny(c, trForwarder|trTolerated) || c.Authentication == "mfa" {
					continue
				}
				if !e.tgRate(c.ID).tgSensitive() && !c.MultiTenant {
					continue
				}
				for _, in := range e.Incoming(c.ID) {
					caller := e.Source(in)
					if excluded(caller) {
						continue
					}
					if person(caller) {
						if risky(in) {
							emit(Hit{
								Targets: []string{in.ID},
								Detail: fmt.Sprintf("People using '%s' reach '%s' over %s with %s authentication and no second factor.",
									e.Name(caller.ID), e.Name(c.ID), e.tgFlowName(in), tgAuthName(in.Authentication)),
								Data: e.DataAtStake(in.ID, c.ID),
							})
						}
						continue
					}
					if !tgIs(caller, trForwarder) {
						continue
					}
					for _, up := range e.Incoming(caller.ID) {
						user := e.Source(up)
						if excluded(user) || !person(user) || !risky(up) {
							continue
						}
						emit(Hit{
							Targets: []string{up.ID, in.ID},
							Detail: fmt.Sprintf("People using '%s' reach '%s' through '%s' over %s with %s authentication and no second factor.",
								e.Name(user.ID), e.Name(c.ID), e.Name(caller.ID), e.tgFlowName(up), tgAuthName(up.Authentication)),
							Data: e.DataAtStake(up.ID, c.ID),
						})
					}
				}
			}
		},
	})
}

// tgAuthName names an authentication mechanism for a description.
func tgAuthName(a model.Authentication) string {
	if a == "" || a == "none" {
		return "no"
	}
	return string(a)
}
