package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-audit-logging",
			Title:       "Missing audit logging",
			STRIDE:      []model.STRIDE{model.Repudiation},
			Scope:       ScopeComponent,
			CWE:         []int{778, 223},
			CAPEC:       []int{268},
			ATTACK:      []string{"T1078", "T1070"},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"audit-logging"},
			Trigger: "A server-side process exposes an administration interface, or handles confidential or " +
				"restricted data and is where people or code act on it: the team's own code (custom_code), a " +
				"component people use directly (human_use), an identity provider, a vault or a build pipeline. " +
				"It is reported mitigated when the audit-logging control is in place.",
			Why: "Without a tamper-evident record of who did what and when, an insider or an attacker using stolen " +
				"credentials can deny their actions, and an incident cannot be investigated or its scope bounded.",
			Mitigation: "Log every security-relevant action (logins, administrative changes, access to and changes of " +
				"sensitive data) with actor, action, object, time and outcome, and ship the events to an append-only " +
				"store the actor cannot alter. Declare the audit-logging control on the component.",
			References: []string{
				"https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html",
				"NIST SP 800-53 Rev. 5 AU-2, AU-3, AU-9, AU-12",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) != model.KindProcess || clientSide(c) {
					continue
				}
				var sensitive []string
				if actedOn(c) {
					sensitive = e.classifiedAmong(2, c.Stores, c.Processes)
				}
				if !c.AdminInterface && len(sensitive) == 0 {
					continue
				}
				var detail string
				switch {
				case c.AdminInterface && len(sensitive) > 0:
					detail = fmt.Sprintf("%s exposes an administration interface and handles %s; without an audit "+
						"log nobody could tell who changed or read what.", e.Name(c.ID), e.nameList(sensitive))
				case c.AdminInterface:
					detail = fmt.Sprintf("%s exposes an administration interface; without an audit log nobody could "+
						"tell who changed what.", e.Name(c.ID))
				default:
					detail = fmt.Sprintf("%s handles %s; without an audit log nobody could tell who read or changed it.",
						e.Name(c.ID), e.nameList(sensitive))
				}
				emit(Hit{Targets: []string{c.ID}, Detail: detail})
			}
		},
	})
}

// actedOn reports whether a process is where people or the system's own code
// act on data, so that its actions need an audit trail: custom code, a
// component people use, or an identity provider, vault or build pipeline.
func actedOn(c *model.Component) bool {
	switch c.Type {
	case "identity-provider", "vault", "build-pipeline":
		return true
	}
	return c.CustomCode || c.HumanUse
}
