package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "container-baseimage-backdooring",
			Title:       "Container base image backdooring",
			STRIDE:      []model.STRIDE{model.Tampering},
			Scope:       ScopeComponent,
			CWE:         []int{912, 1357},
			CAPEC:       []int{446},
			ATTACK:      []string{"T1525", "T1195.002"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"image-scanning", "signed-artifacts", "container-hardening"},
			Threagile:   []string{"container-baseimage-backdooring"},
			Trigger:     "An in-scope component runs as a container (hosting: container).",
			Why: "A container inherits every layer of its base image. A tampered or vulnerable upstream image " +
				"(typosquatted, compromised maintainer, stale tag) runs the attacker's code inside the workload " +
				"with its data and credentials.",
			Mitigation: "Build from minimal images of trusted publishers, pinned by digest; verify signatures; scan " +
				"images in CI and in the registry and rebuild on new findings; run containers hardened (non-root, " +
				"read-only, dropped capabilities).",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/1357.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if c.Hosting != "container" {
					continue
				}
				impact := 3
				if e.tgRate(c.ID).tgTop() {
					impact = 4
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Component '%s' runs as a container: a backdoored or vulnerable base image "+
						"layer would run inside it with access to its data and credentials.", e.Name(c.ID)),
					Impact: impact,
				})
			}
		},
	})
}
