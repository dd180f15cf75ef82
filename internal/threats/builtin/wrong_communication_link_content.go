package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("wrong-communication-link-content", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			to := e.Target(f)
			name := e.FlowName(f)
			report := func(why string) {
				emit(threats.Hit{Targets: []string{f.ID}, Detail: fmt.Sprintf("Flow %s %s.", name, why)})
			}
			switch {
			case len(e.M.Data) == 0:
				// No data to list: one incomplete-model warning says so.
			case f.Readonly && len(f.DataReceived) == 0:
				report("is read-only but receives no data")
			case !f.Readonly && len(f.DataSent) == 0:
				report("is not read-only but sends no data (mark it read-only or list what it sends)")
			}
			if f.Protocol == "local-file" && threats.Kind(to) != model.KindDataStore {
				report(fmt.Sprintf("uses local-file access but its target %s is a %s, not a data store", e.Name(to.ID), threats.Kind(to)))
			}
			if f.Protocol == "in-process" && (threats.Kind(to) == model.KindExternalEntity || e.CrossesNetwork(f)) {
				report("is an in-process call but leaves its network boundary or reaches an external entity")
			}
		}
	})
}
