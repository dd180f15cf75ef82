package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "missing-identity-store",
			Title:      "Identity store missing from the model",
			STRIDE:     []model.STRIDE{model.Spoofing},
			Scope:      ScopeModel,
			CWE:        []int{287},
			Likelihood: 2,
			Impact:     2,
			Threagile:  []string{"missing-identity-store"},
			Trigger: "Flows are authorised by end-user identity (authorization: enduser) but the model has no in-scope " +
				"identity store (directory, LDAP, identity database), nor an identity provider that keeps the " +
				"accounts itself (it stores data) or is run by someone else (SaaS, external, out of scope). The " +
				"threat points at the most sensitive component such flows reach.",
			Why: "Where users log in, their identities and credentials are kept somewhere. If that store is not " +
				"modelled, the threats against it (credential theft, account takeover, injection into directory " +
				"queries) go unseen.",
			Mitigation: "Add the identity store (and the identity provider using it) with its flows to the model, or " +
				"mark the external identity service that holds the accounts.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if tgIs(c, trIdentityStore) {
					return
				}
			}
			// an identity provider run by someone else, or one that keeps the
			// accounts itself, holds the identities: nothing is missing
			for i := range e.M.Components {
				c := &e.M.Components[i]
				if tgIs(c, trIdentity) && (c.OutOfScope || len(c.Stores) > 0 || c.Hosting == "cloud-saas" ||
					c.Hosting == "external" || Kind(c) == model.KindExternalEntity) {
					return
				}
			}
			var targets []string
			seen := map[string]bool{}
			for _, f := range e.Flows() {
				if f.Authorization != "enduser" {
					continue
				}
				if to := e.Target(f); !to.OutOfScope && !seen[to.ID] {
					seen[to.ID] = true
					targets = append(targets, to.ID)
				}
			}
			if len(targets) == 0 {
				return
			}
			at := e.tgMostSensitive(targets)
			impact := 2
			if e.tgRate(at).tgSensitive() {
				impact = 3
			}
			emit(Hit{
				Targets: []string{at},
				Detail: fmt.Sprintf("Requests to '%s'%s are authorised by end-user identity, but no identity store "+
					"holding those users is modelled.", e.Name(at), tgOthers(len(targets)-1)),
				Impact: impact,
			})
		},
	})
}

// tgOthers phrases how many further components share a finding.
func tgOthers(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " and 1 other component"
	}
	return fmt.Sprintf(" and %d other components", n)
}
