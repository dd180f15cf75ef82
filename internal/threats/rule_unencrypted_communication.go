package threats

import (
	"fmt"
	"sort"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "unencrypted-communication",
			Title:       "Unencrypted communication",
			STRIDE:      []model.STRIDE{model.InformationDisclosure, model.Tampering},
			Scope:       ScopeFlow,
			CWE:         []int{319},
			CAPEC:       []int{117, 102},
			ATTACK:      []string{"T1040", "T1557"},
			Likelihood:  2,
			Impact:      3,
			Mitigations: []string{"tls", "mtls"},
			Threagile:   []string{"unencrypted-communication"},
			Trigger: "A flow that leaves its process (not in-process, local file or IPC, and not monitoring traffic) is not " +
				"encrypted by its protocol or the application and carries credentials, strictly confidential or " +
				"mission-critical data, or (when not inside a VPN) confidential or critical data.",
			Why: "Anyone on the network path (a compromised host in the segment, a misconfigured switch, a cloud neighbour, " +
				"a VPN endpoint) can read and alter cleartext traffic: steal credentials and session tokens, read data, inject content.",
			Mitigation: "Encrypt the flow with TLS 1.2+ and verify certificates (mutual TLS between services); a VPN protects " +
				"the path but not the hops behind its endpoints, so sensitive data still needs transport encryption.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
				"https://owasp.org/Top10/A02_2021-Cryptographic_Failures/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if rbWireEncrypted(f) || rbLocal(f.Protocol) || rbIsMonitoring(from) || rbIsMonitoring(to) {
					continue
				}
				ids := append(append([]string{}, f.DataSent...), f.DataReceived...)
				sort.Strings(ids)
				high, medium := e.Authenticated(f), false
				for _, id := range ids {
					r := e.rbRate([]string{id})
					high = high || r.top()
					medium = medium || r.sensitive()
				}
				if !high && (!medium || f.VPN) {
					continue
				}
				h := Hit{Targets: []string{f.ID}, Impact: 3, Likelihood: 2}
				if high {
					h.Impact = 4
				}
				if e.CrossesNetwork(f) {
					h.Likelihood = 3
				}
				what := "sensitive data"
				if e.Authenticated(f) {
					what = "credentials (" + string(f.Authentication) + ") and data"
				}
				h.Detail = fmt.Sprintf("%s sends %s to %s over %s in cleartext.", e.Name(from.ID), what, e.Name(to.ID), f.Protocol)
				if f.VPN {
					h.Detail += " The VPN does not cover data this sensitive end to end."
				}
				emit(h)
			}
		},
	})
}
