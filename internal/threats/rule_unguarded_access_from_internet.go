package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "unguarded-access-from-internet",
			Title:       "Unguarded access from the internet",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege},
			Scope:       ScopeFlow,
			CWE:         []int{501},
			ATTACK:      []string{"T1190", "T1133"},
			Likelihood:  4,
			Impact:      2,
			Mitigations: []string{"service-encapsulation", "waf", "ip-allowlist"},
			Threagile:   []string{"unguarded-access-from-internet"},
			Trigger: "A flow from the internet (an internet-facing component, or an external entity outside every trust " +
				"boundary) reaches an in-scope component, other than a load balancer, that handles confidential data or " +
				"data of critical integrity, without a VPN. Web servers, web applications, reverse proxies, WAFs and " +
				"gateways running no code of the team's own are exempt for HTTP(S) (gateways also for FTP), as is " +
				"traffic from monitoring systems.",
			Why: "A sensitive component answering the internet directly faces every scanner and exploit with no hardened " +
				"layer in between to filter, authenticate or absorb the attack.",
			Mitigation: "Put the component behind a guarding service: a reverse proxy, API gateway or WAF for web traffic, a " +
				"bastion (jump) host for administration, a store-and-forward host for file exchange; or restrict the " +
				"flow to known addresses or a VPN.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if to.OutOfScope || rbIsLoadBalancer(to) || f.VPN || rbIsMonitoring(from) || !e.rbFromOutside(from) {
					continue
				}
				web := f.Protocol == "http" || f.Protocol == "https"
				ftp := f.Protocol == "ftp" || f.Protocol == "sftp"
				if !to.CustomCode && ((rbWebOK(to) && web) || (rbFTPOK(to) && ftp)) {
					continue
				}
				r := e.rbHeld(to)
				if !r.sensitive() {
					continue
				}
				emit(Hit{
					Targets: []string{f.ID},
					Data:    e.DataAtStake(to.ID, f.ID),
					Impact:  rbImpact(r, 2, 2, 3),
					Detail: fmt.Sprintf("%s on the internet reaches %s directly over %s, with no guarding service in between.",
						e.Name(from.ID), e.Name(to.ID), f.Protocol),
				})
			}
		},
	})
}
