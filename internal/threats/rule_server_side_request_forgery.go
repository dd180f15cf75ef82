package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "server-side-request-forgery",
			Title:       "Server-side request forgery (SSRF)",
			STRIDE:      []model.STRIDE{model.InformationDisclosure, model.Spoofing},
			Scope:       ScopeFlow,
			CWE:         []int{918},
			CAPEC:       []int{664},
			ATTACK:      []string{"T1190", "T1552.005"},
			Likelihood:  3,
			Impact:      2,
			Mitigations: []string{"ssrf-protection"},
			Threagile:   []string{"server-side-request-forgery"},
			Trigger: "An in-scope server-side component (not a client, external entity or load balancer) makes outgoing " +
				"requests over a web protocol.",
			Why: "A server that makes web requests can be tricked into requesting URLs of the attacker's choosing: internal " +
				"services in its network, cloud metadata endpoints that hand out credentials, or local files.",
			Mitigation: "Never build outgoing URLs from caller input; map caller choices onto an allow-list of destinations, " +
				"resolve and check the address before connecting, block link-local and metadata addresses, and send " +
				"outgoing traffic through an egress proxy with an allow-list.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
				"https://owasp.org/Top10/A10_2021-Server-Side_Request_Forgery_%28SSRF%29/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			// exposed[n]: network n holds a component with strictly confidential
			// data that answers web requests, a target for any SSRF from inside n.
			var exposed map[string]bool
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if from.OutOfScope || Kind(from) == model.KindExternalEntity || rbIsClient(from) || rbIsLoadBalancer(from) ||
					!rbWebProtocol(f.Protocol) {
					continue
				}
				if exposed == nil {
					exposed = rbWebExposedTop(e)
				}
				impact := 2
				if e.rbHeld(to).C >= 5 || exposed[e.rbNetwork(from.ID)] {
					impact = 3
				}
				if b := e.Ix.Boundaries[e.Ix.Parent[from.ID]]; b != nil && (b.Type == "cloud-account" || b.Type == "vpc") ||
					from.Hosting == "cloud-iaas" || from.Hosting == "cloud-paas" || from.Hosting == "serverless" {
					impact = 3 // cloud metadata endpoints hand out credentials
				}
				h := Hit{
					Targets: []string{f.ID},
					Data:    e.DataAtStake(to.ID, f.ID),
					Impact:  impact,
					Detail: fmt.Sprintf("%s makes %s requests to %s; if any part of the destination comes from a caller, it can be pointed at internal services or metadata endpoints.",
						e.Name(from.ID), f.Protocol, e.Name(to.ID)),
				}
				if f.Usage == "devops" {
					h.Likelihood = 2
				}
				emit(h)
			}
		},
	})
}

// rbWebExposedTop returns the networks holding an in-scope component with
// strictly confidential data that receives web requests.
func rbWebExposedTop(e *Env) map[string]bool {
	out := map[string]bool{}
	for _, f := range e.Flows() {
		if to := e.Target(f); rbWebProtocol(f.Protocol) && !to.OutOfScope && e.rbHeld(to).C >= 5 {
			out[e.rbNetwork(to.ID)] = true
		}
	}
	return out
}
