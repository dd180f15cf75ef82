package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-vault", func(e *threats.Env, emit func(threats.Hit)) {
		var top *model.Component
		topScore := -1
		for i := range e.M.Components {
			if e.Is(&e.M.Components[i], threats.TraitVault) {
				return
			}
		}
		for _, c := range e.Components() {
			if e.Untrusted(c) || threats.Managed(c) {
				continue // the secrets of people's clients and of vendors' services are not the system's to keep
			}
			r := e.Rate(c.ID)
			if s := r.C*100 + r.I*10 + r.A; s > topScore || (s == topScore && c.ID < top.ID) {
				top, topScore = c, s
			}
		}
		if top == nil {
			return
		}
		r := e.Rate(top.ID)
		impact := 2
		if r.Sensitive() {
			impact = 3
		}
		emit(threats.Hit{
			Targets: []string{top.ID},
			Impact:  impact,
			Detail: fmt.Sprintf("No secrets vault is modelled, so the credentials and keys of components such as %s "+
				"(the most sensitive one) are presumably kept in configuration or environment variables.", e.Name(top.ID)),
		})
	})
}
