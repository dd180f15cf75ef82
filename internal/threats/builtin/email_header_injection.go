package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("email-header-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.CustomCode || !e.ReachedByInput(c) || e.Has(c.ID, "input-validation") {
				continue
			}
			var mail []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && (f.Protocol == "smtp" || f.Protocol == "smtps" || threats.TechIs(t, "mail-server", "smtp", "sendgrid", "mailgun", "ses", "postmark")) {
					mail = append(mail, t.ID)
				}
			}
			if len(mail) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s sends e-mail through %s with fields outside callers "+
					"fill in: line breaks in a name or subject add recipients and headers, turning it into a spam and phishing relay.",
					e.Name(c.ID), e.NameList(threats.Unique(mail)))})
			}
		}
	})
}
