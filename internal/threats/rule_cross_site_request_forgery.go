package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "cross-site-request-forgery",
			Title:       "Cross-site request forgery (CSRF)",
			STRIDE:      []model.STRIDE{model.Spoofing, model.Tampering},
			Scope:       ScopeFlow,
			CWE:         []int{352},
			CAPEC:       []int{62},
			Likelihood:  4,
			Impact:      2,
			Mitigations: []string{"csrf-token"},
			Threagile:   []string{"cross-site-request-forgery"},
			Trigger: "A flow over a browser-capable web protocol (HTTP, HTTPS, WebSocket, GraphQL) reaches an in-scope " +
				"web application (web application, web server, CMS, ERP, identity provider, ...).",
			Why: "A page the victim visits elsewhere can make the victim's browser send requests to the application " +
				"with the victim's cookies attached: the application performs state-changing actions the user never " +
				"intended (transfers, password or e-mail changes, admin actions).",
			Mitigation: "Protect every state-changing request with an unpredictable anti-CSRF token (synchroniser or " +
				"signed double-submit), set session cookies SameSite=Lax or Strict, never change state on GET, and " +
				"check Origin/Referer headers. For third-party products, verify their protection and keep them patched.",
			References: []string{
				"https://owasp.org/www-community/attacks/csrf",
				"https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				to := e.Target(f)
				if to.OutOfScope || !tgIs(to, trWebApp) || !tgWebAccess(f.Protocol) {
					continue
				}
				likelihood := 4
				if f.Usage == "devops" {
					likelihood = 3
				}
				impact := 2
				if e.tgRate(f.ID).I >= 4 {
					impact = 3
				}
				emit(Hit{
					Targets: []string{f.ID},
					Detail: fmt.Sprintf("Web application '%s' accepts requests from '%s' over %s (%s): a foreign web "+
						"page could make a logged-in user's browser send forged requests to it.",
						e.Name(to.ID), e.Name(f.From), e.tgFlowName(f), f.Protocol),
					Data:       e.DataAtStake(to.ID, f.ID),
					Likelihood: likelihood,
					Impact:     impact,
				})
			}
		},
	})
}
