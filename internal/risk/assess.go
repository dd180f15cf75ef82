package risk

import (
	"fmt"

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

// Assessor scores threats of one model.
type Assessor struct {
	Matrix Matrix
	env    *threats.Env
	reach  *graph.Reach
	m      *model.Model
}

// NewAssessor prepares scoring for a model; reach tells which components
// an attacker can reach from entry points.
func NewAssessor(m *model.Model, env *threats.Env, reach *graph.Reach) *Assessor {
	return &Assessor{Matrix: MatrixFor(m), env: env, reach: reach, m: m}
}

// Assess scores a threat. Impact comes from the CIA ratings of the data at
// stake (the property each STRIDE category endangers), never below the
// rule's base impact minus one. Likelihood starts at the rule's base and
// moves with exposure (internet-facing, reachable from an entry point,
// crossing trust boundaries) and the strength of authentication. Residual
// applies the effect of the implemented controls that address the threat.
func (a *Assessor) Assess(t *threats.Threat) Assessment {
	var f []string
	impact := t.Impact
	if di, why := a.dataImpact(t); di > 0 {
		impact = max(di, t.Impact-1)
		f = append(f, fmt.Sprintf("impact %d: %s (rule base %d)", impact, why, t.Impact))
	} else {
		f = append(f, fmt.Sprintf("impact %d: rule base, no data at stake", impact))
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

// exposure returns the likelihood adjustment for where the threat sits.
func (a *Assessor) exposure(t *threats.Threat, f *[]string) int {
	if len(t.Targets) == 0 {
		return 0
	}
	id := t.Targets[0]
	ix := a.env.Ix
	if c := ix.Components[id]; c != nil {
		switch {
		case c.InternetFacing:
			*f = append(*f, "likelihood +1: internet-facing")
			return 1
		case c.Type.Kind() == model.KindExternalEntity:
			return 0
		case a.reach != nil && !a.reach.Exposed(c.ID):
			*f = append(*f, "likelihood -1: not reachable from any entry point")
			return -1
		case c.Authentication.Strong():
			*f = append(*f, "likelihood -1: strong authentication ("+string(c.Authentication)+")")
			return -1
		}
		return 0
	}
	if fl := ix.Flows[id]; fl != nil {
		adj := 0
		if from := ix.Components[fl.From]; a.env.Untrusted(from) && ix.CrossesNetwork(fl.From, fl.To) {
			*f = append(*f, "likelihood +1: crosses a network trust boundary from an untrusted caller")
			adj++
		} else if a.reach != nil && !a.reach.Exposed(fl.From) && !a.env.Untrusted(from) {
			*f = append(*f, "likelihood -1: caller not reachable from any entry point")
			adj--
		}
		if fl.Authentication.Strong() {
			*f = append(*f, "likelihood -1: strong authentication ("+string(fl.Authentication)+")")
			adj--
		}
		return adj
	}
	return 0
}

// dataImpact rates the most valuable data at stake for the threat's STRIDE
// categories: information disclosure endangers confidentiality, tampering
// and repudiation integrity, denial of service availability, spoofing and
// elevation of privilege all three.
func (a *Assessor) dataImpact(t *threats.Threat) (int, string) {
	best, why := 0, ""
	for _, id := range t.Data {
		d := a.env.Ix.Data[id]
		if d == nil {
			continue
		}
		for _, s := range t.STRIDE {
			for _, p := range properties(s) {
				r := rating(d, p)
				if r > best {
					best, why = r, fmt.Sprintf("%s of %s", p, id)
				}
			}
		}
	}
	return best, why
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

// rating scores one CIA property of a data asset; an unrated confidentiality
// follows the classification.
func rating(d *model.DataAsset, property string) int {
	var r model.Rating
	switch property {
	case "confidentiality":
		r = d.CIA.Confidentiality
		if r == "" {
			return []int{1, 2, 4, 5}[d.Classification.Level()]
		}
	case "integrity":
		r = d.CIA.Integrity
	case "availability":
		r = d.CIA.Availability
	}
	return r.Score()
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
