package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "personal-data-unencrypted-in-transit",
			Title:       "Personal data sent unencrypted",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Category:    "privacy",
			Scope:       ScopeFlow,
			CWE:         []int{319, 359},
			CAPEC:       []int{94, 157},
			ATTACK:      []string{"T1040", "T1557"},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"tls", "mtls"},
			Trigger: "A flow carries personal data in either direction without encryption (by its protocol, its " +
				"encryption or a VPN) and crosses a trust boundary or has an external entity at one end. It is " +
				"reported mitigated when a tls or mtls control is in place on the flow or its target.",
			Why: "Anyone on the network path (a compromised host, a shared network, a misrouted link, the provider " +
				"in between) can read or copy the personal data in transit. Such a disclosure is a personal data " +
				"breach whatever the data's classification, with notification duties and harm to the people concerned.",
			Mitigation: "Use TLS 1.2 or later with verified certificates (or mutual TLS between services) on every link " +
				"that carries personal data, including internal ones, and disable clear-text fallbacks.",
			References: []string{
				"GDPR Art. 32(1)(a): encryption of personal data",
				"https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
				"NIST SP 800-52 Rev. 2, Guidelines for TLS Implementations",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				if e.Encrypted(f) || f.Protocol == "in-process" || f.Protocol == "ipc" || f.Protocol == "local-file" {
					continue
				}
				from, to := e.Source(f), e.Target(f)
				if !e.Crosses(f) && Kind(from) != model.KindExternalEntity && Kind(to) != model.KindExternalEntity {
					continue
				}
				personal := e.personalAmong(f.DataSent, f.DataReceived)
				if len(personal) == 0 {
					continue
				}
				h := Hit{Targets: []string{f.ID}, Data: personal,
					Detail: fmt.Sprintf("%s carries %s between %s and %s over %s without encryption.",
						e.Name(f.ID), e.nameList(personal), e.Name(from.ID), e.Name(to.ID), f.Protocol)}
				if len(e.classifiedAmong(3, personal)) > 0 {
					h.Impact = 4
				}
				emit(h)
			}
		},
	})
}
