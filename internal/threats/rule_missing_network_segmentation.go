package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

// tgSegmentationLimit is the attacker attractiveness (percent) from which a
// sensitive component should not share a segment with weakly protected ones.
const tgSegmentationLimit = 50

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-network-segmentation",
			Title:       "Missing network segmentation",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{1008, 653},
			ATTACK:      []string{"T1210", "T1021"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"network-segmentation"},
			Threagile:   []string{"missing-network-segmentation"},
			Trigger: "An in-scope data store or component handling sensitive data, with an attacker attractiveness of " +
				"50% or more, shares its network segment with a weakly protected kind of component (web server, web " +
				"application, CMS, API, client, build pipeline, source repository, monitoring, ...) that it has no " +
				"flow with, so nothing requires them to be that close.",
			Why: "The weakly protected neighbour is easier to take over; from inside the same segment the attacker " +
				"reaches the valuable component directly, without any filtering in between.",
			Mitigation: "Put the sensitive component in its own segment (or security group) with deny-by-default rules " +
				"that allow only the flows the model shows.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Network_Segmentation_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/653.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			weak := map[string][]string{} // network -> weakly protected components in it
			for i := range e.M.Components {
				o := &e.M.Components[i]
				if tgIs(o, trLessProtected) && !tgAny(o, trNearHighValue) {
					n := e.tgNetwork(o.ID)
					weak[n] = append(weak[n], o.ID)
				}
			}
			var raa map[string]float64
			for _, c := range e.Components() {
				if tgAny(c, trNoSegmentation|trTolerated) {
					continue
				}
				r := e.tgRate(c.ID)
				if Kind(c) != model.KindDataStore && !r.tgSensitive() {
					continue
				}
				if raa == nil {
					raa = e.tgRAA()
				}
				if raa[c.ID] < tgSegmentationLimit {
					continue
				}
				for _, o := range weak[e.tgNetwork(c.ID)] {
					if o == c.ID || e.tgConnected(c.ID, o) {
						continue
					}
					impact := 2
					if r.tgTop() {
						impact = 3
					}
					emit(Hit{
						Targets: []string{c.ID},
						Detail: fmt.Sprintf("'%s' shares its network segment with weakly protected '%s', which it has "+
							"no flow with: taking '%s' over gives a direct path to '%s'.",
							e.Name(c.ID), e.Name(o), e.Name(o), e.Name(c.ID)),
						Impact: impact,
					})
					break
				}
			}
		},
	})
}
