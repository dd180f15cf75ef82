package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-identity-store", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if e.Is(c, threats.TraitIdentityStore) {
				return
			}
		}
		// an identity provider run by someone else, or one that keeps the
		// accounts itself, holds the identities: nothing is missing
		for i := range e.M.Components {
			c := &e.M.Components[i]
			if e.Is(c, threats.TraitIdentity) && (c.OutOfScope || len(c.Stores) > 0 || c.Hosting == "cloud-saas" ||
				c.Hosting == "external" || threats.Kind(c) == model.KindExternalEntity) {
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
		at := e.MostSensitive(targets)
		impact := 2
		if e.Rate(at).Sensitive() {
			impact = 3
		}
		emit(threats.Hit{
			Targets: []string{at},
			Detail: fmt.Sprintf("Requests to '%s'%s are authorised by end-user identity, but no identity store "+
				"holding those users is modelled.", e.Name(at), others(len(targets)-1)),
			Impact: impact,
		})
	})
}

// others phrases how many further components share a finding.
func others(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " and 1 other component"
	}
	return fmt.Sprintf(" and %d other components", n)
}
