package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// segmentationLimit is the attacker attractiveness (percent) from which a
// sensitive component should not share a segment with weakly protected ones.
const segmentationLimit = 50

func init() {
	register("missing-network-segmentation", func(e *threats.Env, emit func(threats.Hit)) {
		weak := map[string][]string{} // network -> weakly protected components in it
		for i := range e.M.Components {
			o := &e.M.Components[i]
			if e.Is(o, threats.TraitLessProtected) && !e.IsAny(o, threats.TraitNearHighValue) && !outsideNetworks(e, o) {
				n := e.Network(o.ID)
				weak[n] = append(weak[n], o.ID)
			}
		}
		var raa map[string]float64
		for _, c := range e.Components() {
			if e.IsAny(c, threats.TraitNoSegmentation|threats.TraitMonitoring) || outsideNetworks(e, c) || threats.Managed(c) {
				continue // the system segments its own networks, not its users' devices or its vendors'
			}
			r := e.Rate(c.ID)
			if threats.Kind(c) != model.KindDataStore && !r.Sensitive() {
				continue
			}
			if raa == nil {
				raa = e.RAA()
			}
			if raa[c.ID] < segmentationLimit {
				continue
			}
			for _, o := range weak[e.Network(c.ID)] {
				if o == c.ID || e.Connected(c.ID, o) {
					continue
				}
				impact := 2
				if r.Top() {
					impact = 3
				}
				emit(threats.Hit{
					Targets: []string{c.ID},
					Detail: fmt.Sprintf("'%s' shares its network segment with weakly protected '%s', which it has "+
						"no flow with: taking '%s' over gives a direct path to '%s'.",
						e.Name(c.ID), e.Name(o), e.Name(o), e.Name(c.ID)),
					Impact: impact,
				})
				break
			}
		}
	})
}
