package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unnecessary-technical-asset", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.IsPerson(c) {
				continue // a person is not a technical asset
			}
			// In a model without data assets every component handles none: that
			// is one incomplete-model warning, not one here per component.
			noData := len(c.Processes) == 0 && len(c.Stores) == 0 && len(e.M.Data) > 0
			if noData && e.Guard(c) && carriesData(e, c) {
				noData = false // a guard in front passes on the data its flows carry
			}
			noFlows := len(e.Incoming(c.ID)) == 0 && len(e.Outgoing(c.ID)) == 0
			if !noData && !noFlows {
				continue
			}
			why := "processes and stores no data asset"
			switch {
			case noData && noFlows:
				why = "processes and stores no data asset and no flow enters or leaves it"
			case noFlows:
				why = "has no flow entering or leaving it"
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s %s.", e.Name(c.ID), why)})
		}
	})
}

// carriesData reports whether a flow entering or leaving c carries data.
func carriesData(e *threats.Env, c *model.Component) bool {
	for _, list := range [][]*model.Flow{e.Incoming(c.ID), e.Outgoing(c.ID)} {
		for _, f := range list {
			if len(f.DataSent) > 0 || len(f.DataReceived) > 0 {
				return true
			}
		}
	}
	return false
}
