package threats

import "github.com/rampart-sec/rampart/internal/model"

// Network returns the innermost network trust boundary holding an element,
// or "" when it is in none (outside every modelled network).
func (e *Env) Network(id string) string {
	if f := e.facts[id]; f != nil {
		return f.network
	}
	return e.networkOf(id)
}

// networkOf walks the boundary chain as Index.BoundaryChain does, without
// building it.
func (e *Env) networkOf(id string) string {
	ix := e.Ix
	p, ok := ix.Parent[id]
	for n := 0; ok && n <= len(ix.Boundaries); n++ {
		if b := ix.Boundaries[p]; b != nil && b.Type.Network() {
			return p
		}
		p, ok = ix.Parent[p]
	}
	return ""
}

// ExecEnv returns the execution environment or container boundary directly
// holding a component, "" when its direct boundary is a network one, and "-"
// when the component is in no boundary at all.
func (e *Env) ExecEnv(id string) string {
	p, ok := e.Ix.Parent[id]
	if !ok {
		return "-"
	}
	if b := e.Ix.Boundaries[p]; b != nil && !b.Type.Network() {
		return p
	}
	return ""
}

// Untrusted reports whether a component is outside the system's control: an
// external entity (a person, a third party) or a client program or device.
// Being internet-facing is not being untrusted: a CDN, WAF or gateway in
// front of a service is a guard, and the team's own internet-facing service
// is the system's.
func (e *Env) Untrusted(c *model.Component) bool {
	return c != nil && (c.Type.Kind() == model.KindExternalEntity || e.IsClient(c))
}

// Guard reports whether a component filters traffic for what is behind it:
// a WAF, API gateway, reverse proxy, CDN or load balancer.
func (e *Env) Guard(c *model.Component) bool {
	return e.IsAny(c, TraitWAF|TraitForwarder|TraitLoadBalancer) || c.Type == "api-gateway" || c.Type == "gateway"
}

// Managed reports whether someone else runs the component (SaaS or an
// external service): the team cannot harden or patch it, only configure it.
func Managed(c *model.Component) bool {
	return c.Hosting == "cloud-saas" || c.Hosting == "external" || c.Type == "third-party-service"
}

// ReachedByInput reports whether input from outside can reach a component
// through the system: it is internet-facing or untrusted itself, or a flow
// reaches it from such a component or from a process that input reaches
// (text passes through the processes that forward it). Computed once per
// environment.
func (e *Env) ReachedByInput(c *model.Component) bool {
	e.inputOnce.Do(func() {
		e.input = map[string]bool{}
		var queue []string
		for i := range e.M.Components {
			if c := &e.M.Components[i]; c.InternetFacing || e.Untrusted(c) {
				e.input[c.ID] = true
				queue = append(queue, c.ID)
			}
		}
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			if from := e.Ix.Components[id]; from == nil || from.Type.Kind() == model.KindDataStore {
				continue // stores do not forward what they hold on their own
			}
			for _, f := range e.Ix.Outgoing[id] {
				if !e.input[f.To] {
					e.input[f.To] = true
					queue = append(queue, f.To)
				}
			}
		}
	})
	return c != nil && e.input[c.ID]
}

// TakesInput reports whether a component receives input that callers
// outside the system can shape: it is internet-facing, or a flow reaches it
// from an untrusted component or a person.
func (e *Env) TakesInput(c *model.Component) bool {
	if c.InternetFacing {
		return true
	}
	for _, f := range e.Incoming(c.ID) {
		if from := e.Source(f); from != nil && (e.Untrusted(from) || from.InternetFacing && !e.Guard(from)) {
			return true
		}
		if from := e.Source(f); from != nil && e.Guard(from) && e.TakesInput(from) {
			return true
		}
	}
	return false
}

// FromInternet reports whether a component is on the internet: internet
// facing, or an external entity outside every trust boundary.
func (e *Env) FromInternet(c *model.Component) bool {
	if c == nil {
		return false
	}
	if c.InternetFacing {
		return true
	}
	_, inside := e.Ix.Parent[c.ID]
	return Kind(c) == model.KindExternalEntity && !inside
}

// Crosses reports whether a flow crosses a trust boundary.
func (e *Env) Crosses(f *model.Flow) bool { return e.Ix.Crosses(f.From, f.To) }

// CrossesNetwork reports whether a flow crosses a network trust boundary.
func (e *Env) CrossesNetwork(f *model.Flow) bool {
	if ff := e.flowFact(f); ff != nil {
		return ff.crossesNetwork
	}
	return e.Ix.CrossesNetwork(f.From, f.To)
}

// Connected reports whether a flow links two components in either direction.
func (e *Env) Connected(a, b string) bool {
	for _, f := range e.Outgoing(a) {
		if f.To == b {
			return true
		}
	}
	for _, f := range e.Outgoing(b) {
		if f.To == a {
			return true
		}
	}
	return false
}

// Authenticated reports whether a flow authenticates its caller.
func (e *Env) Authenticated(f *model.Flow) bool {
	return f.Authentication != "" && f.Authentication != "none"
}

// Encrypted reports whether a flow is encrypted in transit in any way,
// a VPN included.
func (e *Env) Encrypted(f *model.Flow) bool { return f.EffectiveEncryption() != "none" }

// EncryptedOnWire reports whether a flow's content is encrypted by the
// protocol or the application (a VPN alone does not count).
func EncryptedOnWire(f *model.Flow) bool {
	switch f.Encryption {
	case "tls", "mtls", "ssh", "application":
		return true
	case "none", "vpn":
		return false
	}
	// Certificate authentication of the caller only exists inside TLS.
	return f.Protocol.Encrypted() || f.Authentication == "mtls" || f.Authentication == "client-certificate"
}

// Local reports whether a protocol never leaves one host or process.
func Local(p model.Protocol) bool { return p == "in-process" || p == "local-file" || p == "ipc" }

// BrowserProtocol reports whether a browser can speak the protocol.
func BrowserProtocol(p model.Protocol) bool {
	switch p {
	case "http", "https", "ws", "wss", "graphql":
		return true
	}
	return false
}
