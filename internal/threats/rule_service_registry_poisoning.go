package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "service-registry-poisoning",
			Title:       "Service registry poisoning",
			STRIDE:      []model.STRIDE{model.Spoofing, model.Tampering},
			Scope:       ScopeComponent,
			CWE:         []int{693, 346},
			CAPEC:       []int{616},
			ATTACK:      []string{"T1557"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"access-control", "mtls"},
			Threagile:   []string{"service-registry-poisoning"},
			Trigger:     "An in-scope service registry or service discovery component (Consul, Eureka, ZooKeeper, ...).",
			Why: "Services trust the registry to tell them where their peers are. Whoever can register or change entries can " +
				"redirect traffic to an endpoint of their choosing, intercept credentials and data, or feed malicious configuration.",
			Mitigation: "Require authentication and per-service authorisation for registration and updates (ACL tokens, " +
				"mTLS identities), let each service register only itself, and have callers verify the identity of the " +
				"endpoint they are sent to (mTLS with service identities).",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Microservices_Security_Cheat_Sheet.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Access_Control_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !rbIsServiceRegistry(c) {
					continue
				}
				r := e.rbHeld(c)
				var callers []string
				for _, f := range e.Incoming(c.ID) {
					callers = append(callers, e.Name(f.From))
					if from := e.Source(f); from != nil {
						r2, r3 := e.rbHeld(from), e.rbCarried(f)
						r.C, r.I, r.A = max(r.C, r2.C, r3.C), max(r.I, r2.I, r3.I), max(r.A, r2.A, r3.A)
					}
				}
				impact := 2
				if r.top() || r.A >= 5 {
					impact = 3
				}
				detail := fmt.Sprintf("%s tells services where their peers are; a poisoned entry would redirect their calls.", e.Name(c.ID))
				if len(callers) > 0 {
					detail += " Its clients: " + strings.Join(callers, ", ") + "."
				}
				emit(Hit{Targets: []string{c.ID}, Impact: impact, Detail: detail})
			}
		},
	})
}
