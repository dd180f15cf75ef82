package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "admin-interface-without-mfa",
			Title:       "Administration interface without multi-factor authentication",
			STRIDE:      []model.STRIDE{model.Spoofing, model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{308, 1390},
			CAPEC:       []int{16, 560, 600},
			ATTACK:      []string{"T1078", "T1110"},
			Likelihood:  3,
			Impact:      5,
			Mitigations: []string{"admin-mfa", "mfa"},
			Trigger: "A component exposes an administration interface and its authentication is not multi-factor " +
				"(mfa) or certificate-based (client-certificate, mtls). It is reported mitigated when the admin-mfa " +
				"or mfa control is in place.",
			Why: "Administrators hold the keys to the whole system. A single phished, reused or guessed password " +
				"gives an attacker full control: configuration, users, data and often code execution. The likelihood " +
				"is higher when the interface is reachable from the internet.",
			Mitigation: "Require a second factor for every administrative login, preferably phishing-resistant " +
				"(FIDO2/WebAuthn or certificates), and set the component's authentication to mfa or declare the " +
				"admin-mfa control on it.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Multifactor_Authentication_Cheat_Sheet.html",
				"NIST SP 800-63B, authenticator assurance level 2 and above",
				"CIS Controls v8, 6.5: Require MFA for administrative access",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !c.AdminInterface || Kind(c) == model.KindExternalEntity || c.Authentication.Strong() {
					continue
				}
				how := "no authentication declared"
				if c.Authentication != "" {
					how = "authentication by " + string(c.Authentication)
				}
				h := Hit{Targets: []string{c.ID},
					Detail: fmt.Sprintf("%s exposes an administration interface with %s; without a second factor "+
						"one stolen credential gives administrative control.", e.Name(c.ID), how)}
				if c.InternetFacing {
					h.Likelihood = 4
					h.Detail = fmt.Sprintf("%s exposes an administration interface to the internet with %s; "+
						"without a second factor one stolen or guessed credential gives administrative control.", e.Name(c.ID), how)
				}
				emit(h)
			}
		},
	})
}
