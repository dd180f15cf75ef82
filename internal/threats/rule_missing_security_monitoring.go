package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-security-monitoring",
			Title:       "Missing security monitoring",
			STRIDE:      []model.STRIDE{model.Repudiation, model.DenialOfService},
			Scope:       ScopeComponent,
			CWE:         []int{778, 693},
			ATTACK:      []string{"T1190", "T1078", "T1499"},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"monitoring"},
			Trigger: "An internet-facing process, or a component that stores restricted data, sends no events to " +
				"a monitoring component. It is reported mitigated when the monitoring control is in place.",
			Why: "Attacks on exposed or high-value components (exploitation, credential abuse, floods, bulk reads) " +
				"go unnoticed until the damage is done: nobody is alerted, so the time to detect and respond grows " +
				"from minutes to months.",
			Mitigation: "Feed the component's security events and metrics into a monitoring system with detection " +
				"rules that alert an on-call responder, and test that the alerts fire. Model it as a flow to a " +
				"monitoring component or declare the monitoring control on the component.",
			References: []string{
				"https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/",
				"NIST SP 800-137, Information Security Continuous Monitoring",
				"NIST Cybersecurity Framework 2.0, DE.CM (Continuous Monitoring)",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) == model.KindExternalEntity || clientSide(c) || c.Type == "monitoring" || e.monitoredBy(c) != "" {
					continue
				}
				exposed := c.InternetFacing && Kind(c) == model.KindProcess
				restricted := e.classifiedAmong(3, c.Stores)
				if !exposed && len(restricted) == 0 {
					continue
				}
				var detail string
				switch {
				case exposed && len(restricted) > 0:
					detail = fmt.Sprintf("%s is reachable from the internet and stores %s; without monitoring "+
						"nobody would be alerted to an attack on it.", e.Name(c.ID), e.nameList(restricted))
				case exposed:
					detail = fmt.Sprintf("%s is reachable from the internet; without monitoring nobody would be "+
						"alerted to an attack on it.", e.Name(c.ID))
				default:
					detail = fmt.Sprintf("%s stores %s; without monitoring nobody would be alerted to unusual "+
						"access to it.", e.Name(c.ID), e.nameList(restricted))
				}
				emit(Hit{Targets: []string{c.ID}, Detail: detail})
			}
		},
	})
}
