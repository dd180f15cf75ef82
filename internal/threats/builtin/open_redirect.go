package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("open-redirect", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.Is(c, threats.TraitWebApp) || e.IsClient(c) || !e.TakesInput(c) || e.Has(c.ID, "redirect-allowlist") {
				continue
			}
			redirects := c.Authentication == "oidc" || c.Authentication == "saml" || c.Authentication == "oauth2" || c.Type == "identity-provider"
			for _, f := range browserFlows(e, c) {
				redirects = redirects || f.Authentication == "oidc" || f.Authentication == "saml" || f.Authentication == "oauth2"
			}
			if redirects {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s sends browsers back and forth through sign-in redirects: "+
					"a return URL it does not check sends users from a trusted link to a phishing page, or leaks codes and tokens to it.", e.Name(c.ID))})
			}
		}
	})
}
