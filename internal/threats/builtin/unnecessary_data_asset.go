package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unnecessary-data-asset", func(e *threats.Env, emit func(threats.Hit)) {
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
			emit(threats.Hit{
				Targets: []string{d.ID},
				Detail:  fmt.Sprintf("Data asset %s is neither processed, stored nor carried by any element of the model.", e.Name(d.ID)),
			})
		}
	})
}
