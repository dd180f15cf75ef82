package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-authentication-second-factor", func(e *threats.Env, emit func(threats.Hit)) {
		excluded := func(c *model.Component) bool {
			return c == nil || e.IsAny(c, threats.TraitMonitoring) || threats.Kind(c) == model.KindDataStore
		}
		// a person's own device or client: a process people use directly
		// (a web application's UI) calls others on its own behalf, not as the person
		person := func(c *model.Component) bool {
			return c.HumanUse && (threats.Kind(c) == model.KindExternalEntity || e.IsAny(c, threats.TraitClient))
		}
		risky := func(f *model.Flow) bool {
			r := e.Rate(f.ID)
			return (r.C >= 3 || r.I >= 3) && f.Authentication != "mfa"
		}
		for _, c := range e.Components() {
			if e.IsAny(c, threats.TraitForwarder|threats.TraitMonitoring) || c.Authentication == "mfa" {
				continue
			}
			if !e.Rate(c.ID).Sensitive() && !c.MultiTenant {
				continue
			}
			for _, in := range e.Incoming(c.ID) {
				caller := e.Source(in)
				if excluded(caller) {
					continue
				}
				if person(caller) {
					if risky(in) {
						emit(threats.Hit{
							Targets: []string{in.ID},
							Detail: fmt.Sprintf("People using '%s' reach '%s' over %s with %s authentication and no second factor.",
								e.Name(caller.ID), e.Name(c.ID), e.FlowName(in), authName(in.Authentication)),
							Data: e.DataAtStake(in.ID, c.ID),
						})
					}
					continue
				}
				if !e.Is(caller, threats.TraitForwarder) {
					continue
				}
				for _, up := range e.Incoming(caller.ID) {
					user := e.Source(up)
					if excluded(user) || !person(user) || !risky(up) {
						continue
					}
					emit(threats.Hit{
						Targets: []string{up.ID, in.ID},
						Detail: fmt.Sprintf("People using '%s' reach '%s' through '%s' over %s with %s authentication and no second factor.",
							e.Name(user.ID), e.Name(c.ID), e.Name(caller.ID), e.FlowName(up), authName(up.Authentication)),
						Data: e.DataAtStake(up.ID, c.ID),
					})
				}
			}
		}
	})
}

// authName names an authentication mechanism for a description.
func authName(a model.Authentication) string {
	if a == "" || a == "none" {
		return "no"
	}
	return string(a)
}
