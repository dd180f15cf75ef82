package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("mobile-deep-link-abuse", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !mobile(c) || !c.CustomCode || e.Has(c.ID, "input-validation") {
				continue
			}
			links := false
			for _, f := range e.Outgoing(c.ID) {
				links = links || f.Authentication == "oauth2" || f.Authentication == "oidc"
			}
			for _, f := range e.Incoming(c.ID) {
				if from := e.Source(f); from != nil && !threats.IsPerson(from) {
					links = true
				}
			}
			if links {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s is opened by links and other apps (sign-in redirects, "+
					"notifications, intents): a malicious app or page that sends it crafted links triggers actions or steals the redirect.", e.Name(c.ID))})
			}
		}
	})
}
