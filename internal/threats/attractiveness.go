package threats

import "github.com/rampart-sec/rampart/internal/model"

// Attacker attractiveness weights of the rating scale: for data held
// (processed or stored), for data moved by a flow, and for the component's own rating.
var (
	weightHeld     = [5]float64{5, 8, 13, 21, 34}
	weightCritHeld = [5]float64{3, 5, 8, 13, 21}
	weightMoved    = [5]float64{2, 3, 5, 8, 13}
	weightConfOwn  = [5]float64{8, 13, 21, 34, 55}
	weightCritOwn  = [5]float64{5, 8, 13, 21, 34}
	quantityFactor = map[model.Quantity]float64{"very-few": 1, "few": 2, "many": 3, "very-many": 5}
)

func quantity(d *model.DataAsset) float64 {
	if q, ok := quantityFactor[d.Quantity]; ok {
		return q
	}
	return 1
}

// Attractiveness scores how attractive a component is to an attacker: the
// value of the data it holds and moves, weighted by quantity, scaled by what
// the component is (identity systems, pipelines and data stores count more,
// pure forwarders and monitoring less) and by multi-tenancy.
func (e *Env) Attractiveness(c *model.Component) float64 {
	if c.OutOfScope {
		return 0
	}
	own := e.Rate(c.ID)
	score := weightConfOwn[own.C] + weightCritOwn[own.I] + weightCritOwn[own.A]
	for _, list := range [][]string{c.Processes, c.Stores} {
		for _, id := range list {
			if d := e.Ix.Data[id]; d != nil {
				q, r := quantity(d), RateAsset(d)
				score += weightHeld[r.C]*q + weightCritHeld[r.I]*q + weightCritHeld[r.A]
			}
		}
	}
	for _, f := range e.Outgoing(c.ID) {
		for _, list := range [][]string{f.DataSent, f.DataReceived} {
			for _, id := range list {
				if d := e.Ix.Data[id]; d != nil {
					q, r := quantity(d), RateAsset(d)
					score += weightMoved[r.C]*q + weightMoved[r.I]*q + weightMoved[r.A]
				}
			}
		}
	}
	tr := e.Traits(c)
	switch {
	case tr&TraitForwarder != 0 && tr&TraitNearHighValue != 0:
		score /= 5.5
	case tr&TraitMonitoring != 0:
		score /= 5
	case tr&TraitContainerPlatform != 0:
		score *= 5
	}
	if tr&(TraitVault|TraitBuildPipeline|TraitSourceRepo) != 0 || c.Type == "artifact-registry" {
		score *= 2
	}
	if tr&TraitIdentity != 0 {
		score *= 2.5
	} else if Kind(c) == model.KindDataStore {
		score *= 2
	}
	if c.MultiTenant {
		score *= 1.5
	}
	return score
}

// RAA returns every component's relative attacker attractiveness in
// percent (1..100+): its attractiveness relative to the least and most
// attractive components of the model, raised by a third of the gap to the
// most attractive component it calls (an attacker pivots towards it).
// Computed once per environment, in O(components + flows); the map is
// shared and must not be modified.
func (e *Env) RAA() map[string]float64 {
	e.raaOnce.Do(func() { e.raa = e.computeRAA() })
	return e.raa
}

func (e *Env) computeRAA() map[string]float64 {
	comps := e.M.Components
	abs := make(map[string]float64, len(comps))
	lo, hi := 0.0, 0.0
	for i := range comps {
		c := &comps[i]
		a := e.Attractiveness(c)
		abs[c.ID] = a
		if i == 0 || a < lo {
			lo = a
		}
		if i == 0 || a > hi {
			hi = a
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	rel := func(a float64) float64 {
		p := (a - lo) / (hi - lo) * 100
		if p <= 0 {
			return 1
		}
		return p
	}
	out := make(map[string]float64, len(comps))
	for i := range comps {
		c := &comps[i]
		a := abs[c.ID]
		if !c.OutOfScope {
			bump := 0.0
			for _, f := range e.Outgoing(c.ID) {
				if d := rel(abs[f.To]) - rel(a); d > 0 {
					bump = max(bump, d/3)
				}
			}
			a += bump
		}
		out[c.ID] = rel(a)
	}
	return out
}
