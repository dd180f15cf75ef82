package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "dos-risky-access-across-trust-boundary",
			Title:       "Denial-of-service-risky access across a trust boundary",
			STRIDE:      []model.STRIDE{model.DenialOfService},
			Scope:       ScopeFlow,
			CWE:         []int{400, 770},
			CAPEC:       []int{125},
			ATTACK:      []string{"T1498", "T1499"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"rate-limiting", "ddos-protection", "redundancy", "ip-allowlist"},
			Threagile:   []string{"dos-risky-access-across-trust-boundary"},
			Trigger: "A business flow crosses a network trust boundary into an in-scope component (other than a load " +
				"balancer) that handles data whose availability is rated high or critical. When the caller is a " +
				"forwarder (load balancer, reverse proxy, WAF), the flows into the forwarder are the ones checked.",
			Why: "Callers from another network segment can exhaust the component's resources (request floods, expensive " +
				"queries, connection exhaustion) and take down the functions that depend on its availability.",
			Mitigation: "Throttle and set quotas per client, put expensive operations behind queues, filter upstream " +
				"(DDoS protection, allow-lists, VPN for maintenance routes) and run the component redundantly.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Denial_of_Service_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/400.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if c.Type == "load-balancer" || TechIs(c, "load-balancer") {
					continue
				}
				avail := e.tgRate(c.ID).A
				if avail < 3 {
					continue
				}
				data := e.DataAtStake(c.ID)
				check := func(f *model.Flow, via *model.Flow) {
					if f.Usage == "devops" || tgLocal(f.Protocol) || !e.CrossesNetwork(f) {
						return
					}
					impact := 2
					if avail >= 4 && !f.VPN && !f.IPFiltered && !e.Has(c.ID, "redundancy") {
						impact = 3
					}
					targets := []string{f.ID}
					detail := fmt.Sprintf("'%s' reaches '%s', whose data must stay available, across a network trust "+
						"boundary over %s: a flood or costly requests from that side could take it down.",
						e.Name(f.From), e.Name(c.ID), e.tgFlowName(f))
					if via != nil {
						targets = append(targets, via.ID)
						detail = fmt.Sprintf("'%s' reaches '%s', whose data must stay available, across a network trust "+
							"boundary over %s, forwarded by '%s' over %s: a flood or costly requests from that side "+
							"could take it down.", e.Name(f.From), e.Name(c.ID), e.tgFlowName(f), e.Name(via.From), e.tgFlowName(via))
					}
					emit(Hit{Targets: targets, Detail: detail, Data: data, Impact: impact})
				}
				for _, in := range e.Incoming(c.ID) {
					from := e.Source(in)
					if from == nil {
						continue
					}
					if tgIs(from, trForwarder) {
						for _, up := range e.Incoming(from.ID) {
							check(up, in)
						}
						continue
					}
					check(in, nil)
				}
			}
		},
	})
}
