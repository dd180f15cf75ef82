package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-authentication", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			to := e.Target(f)
			if e.Authenticated(f) || threats.Kind(to) == model.KindExternalEntity || f.Protocol == "in-process" {
				continue
			}
			if from := e.Source(f); peopleClient(e, to) || e.Is(to, threats.TraitIdentityProvider) && (e.Untrusted(from) && !e.Is(from, threats.TraitIoT)) {
				// A browser or app answers no calls: a flow to it is an answer or a
				// push on the connection it opened. A person's client signing in to
				// an identity provider is the authentication itself.
				continue
			}
			if !e.Crosses(f) && (threats.Local(f.Protocol) || !e.Rate(to.ID).Sensitive()) {
				continue // a local file or IPC read inside one boundary is guarded by the host's permissions
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Detail: fmt.Sprintf("%s calls %s over %s without authentication, so %s cannot tell who is calling.",
					e.Name(f.From), e.Name(f.To), f.Protocol, e.Name(f.To)),
				Data: e.DataAtStake(to.ID, f.ID),
			})
		}
	})
}
