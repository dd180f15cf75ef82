package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "weak-authentication-internet",
			Title:       "Password-only login exposed to the internet",
			STRIDE:      []model.STRIDE{model.Spoofing},
			Scope:       ScopeComponent,
			CWE:         []int{1390, 307, 308},
			CAPEC:       []int{49, 565, 600},
			ATTACK:      []string{"T1110", "T1110.003", "T1110.004"},
			Likelihood:  4,
			Impact:      3,
			Mitigations: []string{"mfa"},
			Trigger: "An internet-facing component that people use directly (human_use), without an administration " +
				"interface, authenticates them by password or session only.",
			Why: "Billions of leaked credentials are replayed against every login page. Where passwords are reused, " +
				"credential stuffing and password spraying take over accounts without any vulnerability; the " +
				"attacker then acts with the user's rights and data. The impact is higher when the component " +
				"handles confidential data.",
			Mitigation: "Offer and encourage (or require) a second factor or passkeys, throttle and monitor failed " +
				"logins per account and per source, check new passwords against breached-password lists, and " +
				"alert users to new-device logins.",
			References: []string{
				"https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Credential_Stuffing_Prevention_Cheat_Sheet.html",
				"NIST SP 800-63B, section 5.2.2 (rate limiting) and authenticator assurance levels",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !c.InternetFacing || !c.HumanUse || c.AdminInterface || Kind(c) == model.KindExternalEntity {
					continue
				}
				if c.Authentication != "password" && c.Authentication != "session" {
					continue
				}
				h := Hit{Targets: []string{c.ID},
					Detail: fmt.Sprintf("%s lets people log in from the internet with %s only, so leaked or guessed "+
						"passwords are enough to take over accounts.", e.Name(c.ID), c.Authentication)}
				if sensitive := e.classifiedAmong(2, c.Stores, c.Processes); len(sensitive) > 0 {
					h.Impact = 4
					h.Detail = fmt.Sprintf("%s lets people log in from the internet with %s only, so leaked or "+
						"guessed passwords are enough to reach %s.", e.Name(c.ID), c.Authentication, e.nameList(sensitive))
				}
				emit(h)
			}
		},
	})
}
