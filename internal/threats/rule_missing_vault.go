package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-vault",
			Title:       "Missing vault for secrets",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Scope:       ScopeModel,
			CWE:         []int{522, 260},
			CAPEC:       []int{37},
			ATTACK:      []string{"T1552.001"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"secrets-vault"},
			Threagile:   []string{"missing-vault"},
			Trigger: "The model has components but no secrets vault (a component of type vault, or whose technology is a vault). " +
				"The threat is raised once, on the in-scope component holding the most sensitive data (confidentiality first, then integrity, then availability).",
			Why: "Without a vault, credentials, keys and certificates end up in configuration files, environment variables " +
				"and build settings, where a path traversal, a leaked backup or a read-only foothold is enough to steal them.",
			Mitigation: "Keep secrets in a dedicated, hardened vault with authentication, authorisation and audit logging; " +
				"inject them at run time, rotate them, and model the vault. A component that already fetches its secrets " +
				"from a vault outside the model can list the secrets-vault control.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			var top *model.Component
			topScore := -1
			for i := range e.M.Components {
				if rbIsVault(&e.M.Components[i]) {
					return
				}
			}
			for _, c := range e.Components() {
				r := e.rbHeld(c)
				if s := r.C*100 + r.I*10 + r.A; s > topScore || (s == topScore && c.ID < top.ID) {
					top, topScore = c, s
				}
			}
			if top == nil {
				return
			}
			r := e.rbHeld(top)
			impact := 2
			if r.sensitive() || r.A >= 4 {
				impact = 3
			}
			emit(Hit{
				Targets: []string{top.ID},
				Impact:  impact,
				Detail: fmt.Sprintf("No secrets vault is modelled, so the credentials and keys of components such as %s "+
					"(the most sensitive one) are presumably kept in configuration or environment variables.", e.Name(top.ID)),
			})
		},
	})
}
