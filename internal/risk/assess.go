package risk

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/graph"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// Assessment is the scored risk of one threat.
type Assessment struct {
	Inherent Score `json:"inherent"`
	Residual Score `json:"residual"`
	// Factors explain how the ratings were derived, in order.
	Factors []string `json:"factors"`
}

// Assessor scores threats of one model. It caches what it learns of the
// model's forwarders, so one Assessor serves one goroutine.
type Assessor struct {
	Matrix Matrix
	env    *threats.Env
	reach  *graph.Reach
	m      *model.Model
	// fronted caches frontedBy by component id.
	fronted map[string]*model.Component
}

// NewAssessor prepares scoring for a model; reach tells which components
// an attacker can reach from entry points.
func NewAssessor(m *model.Model, env *threats.Env, reach *graph.Reach) *Assessor {
	return &Assessor{Matrix: MatrixFor(m), env: env, reach: reach, m: m, fronted: map[string]*model.Component{}}
}

// Assess scores a threat. Impact comes from what is really at stake: the
// ratings of the data at stake in the property each STRIDE category
// endangers, at most one step above the rule's base impact (the base says
// how much of the data such a threat can reach: a forged request acts in one
// session, an injection reads the whole store); with no data at stake it is
// unknown and rated 2 (minor) until the model says what is at stake; data
// an import inferred (the file models none) has an unknown value and gives
// at most 3 (moderate). A manual threat keeps its own ratings.
// Likelihood starts at the rule's base, which assumes an attacker can reach
// the element, and falls with what stands in the way: no route from an
// entry point, reachable only through other components (on a flow, the
// caller's position, or the host for a local link; the callee's for a missing authentication: calling
// without credentials takes reaching the callee; for data sent in clear
// text, whether the link runs inside), strong authentication. Forwarders
// that pass requests from the internet on are not in the way; a WAF among
// them is, for the threats it filters.
// Residual applies the effect of the implemented controls that address
// the threat.
func (a *Assessor) Assess(t *threats.Threat) Assessment {
	var f []string
	impact := t.Impact
	di, why, inferredOnly := a.dataImpact(t)
	switch {
	case t.Origin == threats.OriginManual:
		f = append(f, fmt.Sprintf("impact %d: as rated in the model", impact))
	case di > InferredImpact && inferredOnly:
		impact = InferredImpact
		f = append(f, fmt.Sprintf("impact %d: %s, but the data is inferred (the model does not say what is at stake): its value is unknown, rated moderate", impact, why))
	case di > t.Impact+1:
		impact = t.Impact + 1
		f = append(f, fmt.Sprintf("impact %d: %s is rated %d, but this kind of threat reaches little of it (rule base %d)", impact, why, di, t.Impact))
	case di > 0:
		impact = di
		f = append(f, fmt.Sprintf("impact %d: %s", impact, why))
	default:
		impact = UnknownImpact
		f = append(f, fmt.Sprintf("impact unknown, rated %d: no data at stake in the model", impact))
	}
	likelihood := t.Likelihood
	f = append(f, fmt.Sprintf("likelihood %d: rule base", likelihood))
	if t.Origin != threats.OriginManual {
		likelihood += a.exposure(t, &f)
	}
	likelihood = clamp(likelihood)
	impact = clamp(impact)
	out := Assessment{Inherent: a.Matrix.Rate(likelihood, impact)}

	rl, ri := likelihood, impact
	for _, id := range t.InPlace {
		dl, di := a.effect(id)
		if dl == 0 && di == 0 {
			continue
		}
		rl, ri = rl-dl, ri-di
		f = append(f, fmt.Sprintf("control %s in place: likelihood -%d, impact -%d", id, dl, di))
	}
	out.Residual = a.Matrix.Rate(rl, ri)
	out.Factors = f
	return out
}

// ConcernAuthentication is the concern of the rules about callers that
// are not authenticated (threats.Meta.Concern): on a flow, their
// precondition is reaching the flow's callee, whoever the caller is.
const ConcernAuthentication = "authentication"

// InferredImpact is the highest impact data inferred by an import (not
// modelled: tagged model.TagInferredData) gives a threat: its value is unknown,
// so it counts as moderate until the model rates it.
const InferredImpact = 3

// ConcernCleartext is the concern of the rules about data sent in clear
// text: on a link between two of the system's own components, the callee
// not internet-facing, they take a foothold inside.
const ConcernCleartext = "cleartext-in-transit"

// UnknownImpact is the impact given to a threat with no data at stake.
const UnknownImpact = 2

// exposure returns the likelihood adjustment for where the threat sits:
// never up (the rule's base assumes an attacker can reach the element), one
// step down for each thing in the way.
func (a *Assessor) exposure(t *threats.Threat, f *[]string) int {
	if len(t.Targets) == 0 {
		return 0
	}
	id := t.Targets[0]
	ix := a.env.Ix
	if c := ix.Components[id]; c != nil {
		adj := 0
		switch {
		case c.InternetFacing || c.Type.Kind() == model.KindExternalEntity || a.env.IsClient(c):
		case a.reach != nil && !a.reach.Exposed(c.ID):
			*f = append(*f, "likelihood -1: not reachable from any entry point")
			adj--
		default:
			adj += a.behind(t, c, "", f)
		}
		if c.Authentication.Strong() {
			*f = append(*f, "likelihood -1: strong authentication ("+string(c.Authentication)+")")
			adj--
		}
		return adj
	}
	if fl := ix.Flows[id]; fl != nil {
		adj := 0
		from, to := ix.Components[fl.From], ix.Components[fl.To]
		switch {
		case threats.Local(fl.Protocol):
			*f = append(*f, "likelihood -1: a local link ("+string(fl.Protocol)+"): an attacker needs the host first")
			adj--
		case t.Concern == ConcernAuthentication && to != nil && (from == nil || !a.env.Untrusted(from) && !threats.IsPerson(from)):
			// Calling without credentials takes reaching the callee, not the caller.
			switch {
			case to.InternetFacing || a.env.Untrusted(to):
			case a.reach != nil && !a.reach.Exposed(to.ID):
				*f = append(*f, "likelihood -1: callee not reachable from any entry point")
				adj--
			default:
				adj += a.behind(t, to, "internal callee, ", f)
			}
		case t.Concern == ConcernCleartext && from != nil && to != nil && !a.outside(from) && !a.outside(to) && !to.InternetFacing:
			// Listening on a link between two of the system's own
			// components takes a foothold on the network between them.
			*f = append(*f, "likelihood -1: a link between the system's own components: listening on it takes a foothold inside")
			adj--
		case from == nil || from.InternetFacing || a.env.Untrusted(from) || threats.IsPerson(from):
		case a.reach != nil && !a.reach.Exposed(fl.From):
			*f = append(*f, "likelihood -1: caller not reachable from any entry point")
			adj--
		default:
			adj += a.behind(t, from, "internal caller, ", f)
		}
		if fl.Authentication.Strong() {
			*f = append(*f, "likelihood -1: strong authentication ("+string(fl.Authentication)+")")
			adj--
		}
		return adj
	}
	return 0
}

// behind returns the likelihood step for a component an attacker reaches
// only through others (what the callers of exposure checked): requests
// passed on by forwarders (a CDN, reverse proxy or load balancer in front,
// on the internet) reach it as they came, so forwarders take no step; a
// web application firewall among them is a guard against the threats it
// filters (those that list the waf control among their mitigations): one
// step; anything else in the way (a component that handles the request
// itself) one step. role prefixes the factor ("internal caller, ").
func (a *Assessor) behind(t *threats.Threat, c *model.Component, role string, f *[]string) int {
	if promptInjection(t) {
		*f = append(*f, "likelihood: "+role+"the components in front pass the text on, and the text is the attack")
		return 0
	}
	g := a.frontedBy(c)
	switch {
	case g == nil:
		*f = append(*f, "likelihood -1: "+role+"reachable only through other components")
		return -1
	case slices.Contains(t.Mitigations, "waf"):
		// Forwarders may call each other: each is looked at once.
		seen := map[string]bool{}
		for w := g; w != nil && !seen[w.ID]; w = a.frontedBy(w) {
			if a.env.Is(w, threats.TraitWAF) {
				*f = append(*f, "likelihood -1: "+role+"behind the web application firewall "+w.ID)
				return -1
			}
			seen[w.ID] = true
		}
	}
	*f = append(*f, "likelihood: "+role+"requests from the internet reach it through "+g.ID+", which passes them on")
	return 0
}

// promptInjection reports whether the threat is carried by a crafted
// prompt: a prompt injection (ATLAS AML.T0051 and its sub-techniques) or
// a prompt that makes the model leak data (AML.T0057, LLM Data Leakage).
// The instruction or question travels in the user's message or in
// retrieved content, which the chat front end or the retriever in front
// passes on as it came, so they are not in the way as they are for a
// request an attacker must get through.
func promptInjection(t *threats.Threat) bool {
	for _, r := range t.ATTACK {
		if r.ID == "AML.T0051" || strings.HasPrefix(r.ID, "AML.T0051.") || r.ID == "AML.T0057" {
			return true
		}
	}
	return false
}

// frontedBy returns the internet-facing forwarder (a guard: CDN, WAF,
// reverse proxy, load balancer, gateway) through which requests from the
// internet reach c, following chains of forwarders, or nil when none does.
// A forwarder that authenticates its callers is no open way in.
func (a *Assessor) frontedBy(c *model.Component) *model.Component {
	if g, ok := a.fronted[c.ID]; ok {
		return g
	}
	a.fronted[c.ID] = nil // cycles of forwarders end here
	var out *model.Component
	for _, fl := range a.env.Incoming(c.ID) {
		g := a.env.Source(fl)
		if g == nil || !a.env.Guard(g) || g.Authentication.Strong() {
			continue
		}
		if g.InternetFacing || a.frontedBy(g) != nil {
			out = g
			break
		}
	}
	a.fronted[c.ID] = out
	return out
}

// outside reports whether a flow's end is not the system's own: a
// person, a client or an external entity.
func (a *Assessor) outside(c *model.Component) bool {
	return a.env.Untrusted(c) || threats.IsPerson(c)
}

// dataImpact rates the most valuable data at stake for the threat's STRIDE
// categories: information disclosure endangers confidentiality, tampering
// and repudiation integrity, denial of service availability, spoofing and
// elevation of privilege all three.
func (a *Assessor) dataImpact(t *threats.Threat) (best int, why string, inferred bool) {
	inferred = true
	var bestProperty, bestData string
	for _, id := range t.Data {
		d := a.env.Ix.Data[id]
		if d == nil {
			continue
		}
		guess := d.Inferred()
		for _, s := range t.STRIDE {
			for _, p := range properties(s) {
				r := rating(d, p)
				if !guess && r > InferredImpact {
					inferred = false
				}
				if r > best {
					best, bestProperty, bestData = r, p, id
				}
			}
		}
	}
	if best > 0 {
		why = bestProperty + " of " + bestData
	}
	return best, why, inferred
}

func properties(s model.STRIDE) []string {
	switch s {
	case model.InformationDisclosure:
		return []string{"confidentiality"}
	case model.Tampering, model.Repudiation:
		return []string{"integrity"}
	case model.DenialOfService:
		return []string{"availability"}
	}
	return []string{"confidentiality", "integrity", "availability"}
}

// rating scores one CIA property of a data asset on the impact scale 1..5:
// the asset's rating (threats.Rating, 0..4) plus one.
func rating(d *model.DataAsset, property string) int {
	r := threats.RateAsset(d)
	switch property {
	case "confidentiality":
		return r.C + 1
	case "integrity":
		return r.I + 1
	}
	return r.A + 1
}

// effect returns how much a listed control lowers likelihood and impact.
func (a *Assessor) effect(id string) (int, int) {
	catID := id
	if c := a.env.Ix.Controls[id]; c != nil {
		if c.Effect != nil {
			return c.Effect.Likelihood, c.Effect.Impact
		}
		if c.Catalog != "" {
			catID = c.Catalog
		}
	}
	if c, ok := catalog.LookupControl(catID); ok {
		return c.Likelihood, c.Impact
	}
	return 1, 0 // an own control without a stated effect counts as one step
}
