package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-waf",
			Title:       "Missing web application firewall",
			STRIDE:      []model.STRIDE{model.Tampering},
			Scope:       ScopeComponent,
			CWE:         []int{1008},
			ATTACK:      []string{"T1190"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"waf"},
			Threagile:   []string{"missing-waf"},
			Trigger: "An in-scope web application or web service receives a web-protocol flow across a network trust " +
				"boundary, or straight from the internet, from a component that is neither a WAF nor protected by one.",
			Why: "Without a filtering layer, attackers can run automated injection, traversal and scanning attacks at full " +
				"speed against the application, and there is no early place to block or alert on them or to patch a flaw virtually.",
			Mitigation: "Put a web application firewall (a managed cloud WAF, or a reverse proxy with a WAF module such as " +
				"ModSecurity with the OWASP Core Rule Set) in front of the application and alert on what it blocks. " +
				"A WAF is an extra layer, not a replacement for secure code.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Virtual_Patching_Cheat_Sheet.html",
				"https://owasp.org/www-project-modsecurity-core-rule-set/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !rbIsWebApp(c) && !rbIsWebService(c) {
					continue
				}
				var via []string
				for _, f := range e.Incoming(c.ID) {
					from := e.Source(f)
					if from == nil || !rbWebProtocol(f.Protocol) || rbIsWAF(from) || e.Has(from.ID, "waf") || !(e.CrossesNetwork(f) || e.rbFromOutside(from)) {
						continue
					}
					via = append(via, e.rbFlowName(f))
				}
				if len(via) == 0 {
					continue
				}
				emit(Hit{
					Targets: []string{c.ID},
					Impact:  rbImpact(e.rbHeld(c), 2, 2, 3),
					Detail: fmt.Sprintf("%s is reached from another network or from the internet by %s with no web application firewall in front of it.",
						e.Name(c.ID), strings.Join(via, ", ")),
				})
			}
		},
	})
}
