package threats

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-rate-limiting",
			Title:       "Missing rate limiting on an internet-facing entry point",
			STRIDE:      []model.STRIDE{model.DenialOfService},
			Scope:       ScopeComponent,
			CWE:         []int{770, 799},
			CAPEC:       []int{125, 469},
			ATTACK:      []string{"T1499", "T1498"},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"rate-limiting", "ddos-protection"},
			Trigger: "An internet-facing process is called directly by an external entity (or no caller is " +
				"modelled for it), so it is the first hop from the internet.",
			Why: "Anyone can send it requests as fast as they like: floods and expensive requests exhaust its " +
				"threads, connections or downstream quotas and take the service down for everyone, and unthrottled " +
				"endpoints also make brute force, scraping and enumeration cheap.",
			Mitigation: "Limit requests per client, token and address at the edge (gateway, CDN, load balancer), " +
				"throttle expensive operations, bound request sizes and timeouts, and put volumetric DDoS " +
				"protection in front of the service.",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Denial_of_Service_Cheat_Sheet.html",
				"NIST SP 800-53 Rev. 5 SC-5 (Denial-of-Service Protection)",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !c.InternetFacing || Kind(c) != model.KindProcess || clientSide(c) {
					continue
				}
				in := e.Incoming(c.ID)
				var callers []string
				for _, f := range in {
					if from := e.Source(f); from != nil && Kind(from) == model.KindExternalEntity && !slices.Contains(callers, from.ID) {
						callers = append(callers, from.ID)
					}
				}
				if len(in) > 0 && len(callers) == 0 {
					continue
				}
				detail := fmt.Sprintf("%s is reachable from the internet; unless requests are limited, anyone "+
					"can call it as fast as they like.", e.Name(c.ID))
				if len(callers) > 0 {
					detail = fmt.Sprintf("%s takes requests from %s directly from the internet; unless requests "+
						"are limited, they can call it as fast as they like.", e.Name(c.ID), e.nameList(callers))
				}
				emit(Hit{Targets: []string{c.ID}, Detail: detail})
			}
		},
	})
}
