package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:         "unnecessary-data-asset",
			Title:      "Unnecessary data asset",
			STRIDE:     []model.STRIDE{model.ElevationOfPrivilege, model.InformationDisclosure},
			Scope:      ScopeData,
			CWE:        []int{1008},
			Likelihood: 1,
			Impact:     2,
			Threagile:  []string{"unnecessary-data-asset"},
			Trigger:    "A data asset that no component processes or stores and no flow carries.",
			Why: "Data that is kept but used by nothing is pure liability: it can still leak through other weaknesses. " +
				"If it is in fact used, the model is incomplete and misses the threats to it.",
			Mitigation: "Stop collecting or keeping the data if nothing needs it; otherwise add it to the components " +
				"and flows that handle it.",
			References: []string{"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html"},
		},
		Check: func(e *Env, emit func(Hit)) {
			used := map[string]bool{}
			mark := func(ids []string) {
				for _, id := range ids {
					used[id] = true
				}
			}
			for i := range e.M.Components {
				mark(e.M.Components[i].Processes)
				mark(e.M.Components[i].Stores)
			}
			for i := range e.M.Flows {
				mark(e.M.Flows[i].DataSent)
				mark(e.M.Flows[i].DataReceived)
			}
			for i := range e.M.Data {
				d := &e.M.Data[i]
				if used[d.ID] {
					continue
				}
				emit(Hit{
					Targets: []string{d.ID},
					Detail:  fmt.Sprintf("Data asset %s is neither processed, stored nor carried by any element of the model.", e.Name(d.ID)),
				})
			}
		},
	})
}
