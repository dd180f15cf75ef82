package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("cross-site-request-forgery", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			to := e.Target(f)
			if to.OutOfScope || !e.Is(to, threats.TraitWebApp) || !threats.BrowserProtocol(f.Protocol) || !cookieSession(e, f, to) ||
				managedIdP(e, to) {
				continue
			}
			likelihood := 4
			if f.Usage == "devops" {
				likelihood = 3
			}
			impact := 2
			if e.Rate(f.ID).I >= 4 {
				impact = 3
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Detail: fmt.Sprintf("Web application '%s' accepts requests from '%s' over %s (%s): a foreign web "+
					"page could make a logged-in user's browser send forged requests to it.",
					e.Name(to.ID), e.Name(f.From), e.FlowName(f), f.Protocol),
				Data:       e.DataAtStake(to.ID, f.ID),
				Likelihood: likelihood,
				Impact:     impact,
			})
		}
	})
}

// cookieSession reports a browser request authenticated by a session (a
// cookie the browser sends by itself): the only kind a foreign page can forge.
// Requests with tokens, API keys or certificates, and calls from servers, cannot be.
func cookieSession(e *threats.Env, f *model.Flow, to *model.Component) bool {
	if !browserCaller(e, e.Source(f), 0) {
		return false
	}
	switch f.Authentication {
	case "session", "password":
		return true
	case "":
		return to.Authentication == "session" || to.Authentication == "password"
	}
	return false
}

// browserCaller reports whether requests from c are a browser's: c is a web
// browser, a person (a model that leaves the browser out), or a guard that a
// browser's requests pass through (or that nothing modelled calls). A mobile
// or desktop app keeps no cookies a foreign page could make it send.
func browserCaller(e *threats.Env, c *model.Component, depth int) bool {
	switch {
	case c == nil:
		return false
	case threats.TechIs(c, "browser", "web-browser") || threats.IsPerson(c):
		return true
	case !e.Guard(c) || depth > 8:
		return false
	}
	in := e.Incoming(c.ID)
	if len(in) == 0 {
		return true
	}
	for _, g := range in {
		if browserCaller(e, e.Source(g), depth+1) {
			return true
		}
	}
	return false
}
