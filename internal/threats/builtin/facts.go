package builtin

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// Questions the rules on access control, sessions, client-side code, mobile
// apps, cloud resources, operations, AI systems and privacy share.

// server reports whether a component is a process that answers requests:
// a web application or service, an API, a gateway or a function; not a
// client, a guard that only forwards, or a data store.
func server(e *threats.Env, c *model.Component) bool {
	if threats.Kind(c) != model.KindProcess || e.IsClient(c) {
		return false
	}
	return e.IsAny(c, threats.TraitWebApp|threats.TraitWebService) || c.Type == "serverless-function" || c.Type == "api-gateway"
}

// clientFlows returns the flows into a component from a person's client
// program or device (browser, mobile or desktop app, IoT device).
func clientFlows(e *threats.Env, c *model.Component) []*model.Flow {
	var out []*model.Flow
	for _, f := range e.Incoming(c.ID) {
		if from := e.Source(f); from != nil && e.IsClient(from) {
			out = append(out, f)
		}
	}
	return out
}

// fromOutside returns the flows into a component from an untrusted
// component (a client or an external entity), or from a guard that passes
// such callers on.
func fromOutside(e *threats.Env, c *model.Component) []*model.Flow {
	var out []*model.Flow
	for _, f := range e.Incoming(c.ID) {
		from := e.Source(f)
		if from != nil && (e.Untrusted(from) || e.Guard(from) && e.TakesInput(from)) {
			out = append(out, f)
		}
	}
	return out
}

// browserFlows returns the flows into a component from a web browser.
func browserFlows(e *threats.Env, c *model.Component) []*model.Flow {
	var out []*model.Flow
	for _, f := range clientFlows(e, c) {
		if from := e.Source(f); from != nil && threats.TechIs(from, "browser", "web-browser") && threats.BrowserProtocol(f.Protocol) {
			out = append(out, f)
		}
	}
	return out
}

// anyControl reports whether one of the catalog controls is implemented on
// the element (for a flow: on it or its target).
func anyControl(e *threats.Env, id string, controls ...string) bool {
	for _, c := range controls {
		if e.Has(id, c) {
			return true
		}
	}
	return false
}

// modelHas reports whether the model declares the catalog control as
// implemented in its controls section: for what holds for the whole system
// (drift detection, cloud audit logging, restore tests) rather than one
// component.
func modelHas(e *threats.Env, control string) bool {
	for i := range e.M.Controls {
		c := &e.M.Controls[i]
		if (c.ID == control || c.Catalog == control) && c.Status == "implemented" {
			return true
		}
	}
	return false
}

// passwordLogin reports whether people sign in to a component with a
// password: its own authentication is a password, or a client's flow to it
// authenticates with one; or the sign-in sets a session cookie and nobody
// signs in through an identity provider, so it is the component's own
// sign-in form.
func passwordLogin(e *threats.Env, c *model.Component) bool {
	if c.Authentication == "password" {
		return true
	}
	session := c.Authentication == "session"
	for _, f := range clientFlows(e, c) {
		switch f.Authentication {
		case "password":
			return true
		case "session":
			session = true
		}
	}
	// A guard passes sessions on, and a component that names another way
	// of signing in (OIDC, SAML, certificates...) has no form of its own.
	if e.Guard(c) || c.Authentication != "" && c.Authentication != "session" {
		return false
	}
	return session && !federated(e, c)
}

// federated reports whether a component, or a client that calls it
// (directly or through the guards in front), exchanges flows with an
// identity provider: its people may sign in there, not with a password of
// the component's own.
func federated(e *threats.Env, c *model.Component) bool {
	ends := []*model.Component{c}
	for _, f := range fromOutside(e, c) {
		from := e.Source(f)
		ends = append(ends, from)
		if e.Guard(from) {
			for _, g := range clientFlows(e, from) {
				ends = append(ends, e.Source(g))
			}
		}
	}
	for _, x := range ends {
		for _, f := range e.Outgoing(x.ID) {
			if to := e.Target(f); to != nil && e.Is(to, threats.TraitIdentityProvider) {
				return true
			}
		}
		for _, f := range e.Incoming(x.ID) {
			if from := e.Source(f); from != nil && e.Is(from, threats.TraitIdentityProvider) {
				return true
			}
		}
	}
	return false
}

// hasMFA reports whether sign-in to a component takes a second factor.
func hasMFA(e *threats.Env, c *model.Component) bool {
	if c.Authentication == "mfa" || anyControl(e, c.ID, "mfa") {
		return true
	}
	for _, f := range e.Incoming(c.ID) {
		if f.Authentication == "mfa" {
			return true
		}
	}
	return false
}

// bearer reports whether a flow authenticates with a bearer token a client
// holds (a JWT, an OAuth or OIDC access token, an opaque token).
func bearer(f *model.Flow) bool {
	switch f.Authentication {
	case "jwt", "token", "oauth2", "oidc":
		return true
	}
	return false
}

// mobile reports whether a component is a mobile app.
func mobile(c *model.Component) bool {
	return c.Type == "mobile-app" || threats.TechIs(c, "ios", "android")
}

// inCloud reports whether a component runs on a cloud provider's platform:
// its hosting says so, or it sits in a cloud account or VPC boundary.
func inCloud(e *threats.Env, c *model.Component) bool {
	switch c.Hosting {
	case "cloud-iaas", "cloud-paas", "cloud-saas", "serverless":
		return true
	}
	for _, b := range e.Ix.BoundaryChain(c.ID) {
		if tb := e.Ix.Boundaries[b]; tb != nil && (tb.Type == "cloud-account" || tb.Type == "vpc") {
			return true
		}
	}
	return false
}

// agent reports whether a component lets a language model decide what it
// does: an AI agent, or a process that calls a language model and AI tools.
func agent(e *threats.Env, c *model.Component) bool {
	if threats.Kind(c) != model.KindProcess || e.IsClient(c) {
		return false
	}
	if e.Is(c, threats.TraitAgent) {
		return true
	}
	if modelOf(e, c) == "" {
		return false
	}
	for _, f := range e.Outgoing(c.ID) {
		if e.Is(e.Target(f), threats.TraitAITool) {
			return true
		}
	}
	return false
}

// llmCaller reports whether a process is or calls a language model.
func llmCaller(e *threats.Env, c *model.Component) bool { return modelOf(e, c) != "" }

// aiTools returns the AI tools (MCP servers, function tools) an agent calls.
func aiTools(e *threats.Env, c *model.Component) []*model.Component {
	var out []*model.Component
	for _, f := range e.Outgoing(c.ID) {
		if to := e.Target(f); to != nil && e.Is(to, threats.TraitAITool) && !slices.Contains(out, to) {
			out = append(out, to)
		}
	}
	return out
}

// ids returns the ids of components.
func ids(cs []*model.Component) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// personalData returns the personal data among lists. When the model asks
// for a LINDDUN analysis but marks no data personal (a privacy diagram
// drawn in another tool often models no data), every data asset listed
// counts as possibly personal.
func personalData(e *threats.Env, lists ...[]string) []string {
	if privacyAssumed(e) {
		var out []string
		for _, l := range lists {
			out = append(out, l...)
		}
		return threats.Unique(out)
	}
	return e.PersonalAmong(lists...)
}

// privacyAssumed reports a model that lists linddun in its methodology but
// marks no data asset personal.
func privacyAssumed(e *threats.Env) bool {
	if !slices.Contains(e.M.Methodology, model.MethodLINDDUN) {
		return false
	}
	for i := range e.M.Data {
		if e.M.Data[i].Personal {
			return false
		}
	}
	return true
}

// fromPerson reports whether a flow comes from a person or their client.
func fromPerson(e *threats.Env, f *model.Flow) bool {
	from := e.Source(f)
	return from != nil && (threats.IsPerson(from) || e.IsClient(from))
}

// shapedFromOutside returns the components whose content people or systems
// outside the system can shape: the untrusted and internet-facing
// components, and whatever data flows carry on from them (a flow's sent
// data reaches its target; its received data, or a read-only flow's, its
// caller). It walks the model once.
func shapedFromOutside(e *threats.Env) map[string]bool {
	in := map[string]bool{}
	var queue []string
	mark := func(id string) {
		if !in[id] {
			in[id] = true
			queue = append(queue, id)
		}
	}
	for _, c := range e.Components() {
		if c.InternetFacing || e.Untrusted(c) {
			mark(c.ID)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, f := range e.Outgoing(id) {
			if len(f.DataSent) > 0 || !f.Readonly && len(f.DataReceived) == 0 {
				mark(f.To)
			}
		}
		for _, f := range e.Incoming(id) {
			if len(f.DataReceived) > 0 || f.Readonly {
				mark(f.From)
			}
		}
	}
	return in
}

// writers returns the components with a flow that writes into a component.
func writers(e *threats.Env, c *model.Component) []*model.Component {
	var out []*model.Component
	for _, f := range e.Incoming(c.ID) {
		if from := e.Source(f); from != nil && !f.Readonly && (len(f.DataSent) > 0 || len(f.DataReceived) == 0) && !slices.Contains(out, from) {
			out = append(out, from)
		}
	}
	return out
}

// reads reports whether a flow brings data back to its caller.
func reads(f *model.Flow) bool { return f.Readonly || len(f.DataReceived) > 0 }

// nameHas reports whether an element's id or name contains one of the words
// as a whole word.
func nameHas(id, name string, words ...string) bool {
	for _, text := range []string{id, name} {
		for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
		}) {
			if slices.Contains(words, w) {
				return true
			}
		}
	}
	return false
}

// llmFront reports whether a process is the component that puts a language
// model in front of its callers: it is or calls a model, and is not itself
// a model that another language-model component calls (the model behind an
// agent is the agent's threat).
func llmFront(e *threats.Env, c *model.Component) bool {
	if !llmCaller(e, c) {
		return false
	}
	if modelOf(e, c) != c.ID || agent(e, c) {
		return true
	}
	for _, f := range e.Incoming(c.ID) {
		if from := e.Source(f); from != nil && from.ID != c.ID && llmCaller(e, from) {
			return false
		}
	}
	return true
}

// managedIdP reports an identity provider someone else runs (Auth0, Entra
// ID, Okta as SaaS): its pages, headers and hardening are its vendor's,
// so rules about them do not apply; its tenant's configuration still does.
func managedIdP(e *threats.Env, c *model.Component) bool {
	return e.Is(c, threats.TraitIdentityProvider) && threats.Managed(c)
}

// outsideNetworks reports a person, third party or client that is in no
// modelled network: on the internet, sharing no segment or execution
// environment with anything (a workstation inside the office network does).
func outsideNetworks(e *threats.Env, c *model.Component) bool {
	return e.Untrusted(c) && e.Network(c.ID) == ""
}

// peopleClient reports a client program people use (a browser, a mobile or
// desktop app), not a device: it opens connections and answers none.
func peopleClient(e *threats.Env, c *model.Component) bool {
	return e.IsClient(c) && !e.Is(c, threats.TraitIoT)
}
