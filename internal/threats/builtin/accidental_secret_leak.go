package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("accidental-secret-leak", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitSecrets) {
				continue
			}
			r := e.Rate(c.ID)
			impact := 2
			if r.Sensitive() {
				impact = 3
			}
			if r.Top() {
				impact = 4
			}
			what := "an artifact registry"
			if e.Is(c, threats.TraitSourceRepo) {
				what = "a source code repository"
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Component '%s' is %s: secrets committed or packaged into it by mistake "+
					"stay readable to everyone with access to it, including its history.", e.Name(c.ID), what),
				Impact: impact,
			})
		}
	})
}
