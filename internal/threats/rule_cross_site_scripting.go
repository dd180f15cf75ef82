package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "cross-site-scripting",
			Title:       "Cross-site scripting (XSS)",
			STRIDE:      []model.STRIDE{model.Tampering, model.InformationDisclosure},
			Scope:       ScopeComponent,
			CWE:         []int{79},
			CAPEC:       []int{63, 588, 591, 592},
			ATTACK:      []string{"T1189", "T1185"},
			Likelihood:  4,
			Impact:      3,
			Mitigations: []string{"output-encoding", "input-validation", "waf"},
			Threagile:   []string{"cross-site-scripting"},
			Trigger: "An in-scope web application: a component that renders pages or a web UI (web application, web " +
				"server, CMS, ERP, identity provider, report engine, ...).",
			Why: "Untrusted data written into a page without encoding runs as script in the victim's browser, with " +
				"the victim's session: the attacker reads and changes the victim's data, acts as the victim, or " +
				"defaces and phishes from the trusted origin. Applications on the same domain share the exposure.",
			Mitigation: "Encode every value for the context it is written into (HTML, attribute, JavaScript, URL), use " +
				"templating that escapes by default, avoid unsafe DOM sinks, set a strict Content-Security-Policy " +
				"and HttpOnly cookies. For third-party products, verify and patch.",
			References: []string{
				"https://owasp.org/www-community/attacks/xss/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !tgIs(c, trWebApp) {
					continue
				}
				impact := 3
				if r := e.tgRate(c.ID); r.C >= 4 || r.I >= 4 {
					impact = 4
				}
				emit(Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("Web application '%s' renders content for browsers: data written into its "+
						"pages without context-aware encoding would run as script in its users' sessions.", e.Name(c.ID)),
					Impact: impact,
				})
			}
		},
	})
}
