package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "accidental-secret-leak",
			Title:       "Accidental secret leak",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Scope:       ScopeComponent,
			CWE:         []int{200, 540, 798},
			CAPEC:       []int{37},
			ATTACK:      []string{"T1552.001", "T1213.003"},
			Likelihood:  2,
			Impact:      3,
			Mitigations: []string{"secret-scanning", "secrets-vault"},
			Threagile:   []string{"accidental-secret-leak"},
			Trigger: "An in-scope source code repository or artifact registry: everything committed or published " +
				"there, including its history, stays readable to everyone with access.",
			Why: "Passwords, API tokens, private keys and certificates end up in commits, build outputs and image layers " +
				"by mistake. Whoever can read the repository or registry (developers, contractors, a leaked token, a " +
				"mis-set visibility) can use them against the systems they open.",
			Mitigation: "Keep secrets out of code and artifacts: inject them at run time from a vault, block commits " +
				"with pre-commit hooks, scan repositories (with history) and registries for secrets continuously, " +
				"and rotate anything that was ever exposed.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/540.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !tgIs(c, trSecrets) {
					continue
				}
				r := e.tgRate(c.ID)
				impact := 2
				if r.tgSensitive() {
					impact = 3
				}
				if r.tgTop() {
					impact = 4
				}
				what := "an artifact registry"
				if tgIs(c, trSourceRepo) {
					what = "a source code repository"
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Component '%s' is %s: secrets committed or packaged into it by mistake "+
						"stay readable to everyone with access to it, including its history.", e.Name(c.ID), what),
					Impact: impact,
				})
			}
		},
	})
}
