package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unnecessary-communication-link", func(e *threats.Env, emit func(threats.Hit)) {
		if len(e.M.Data) == 0 {
			return // a model without data assets is one incomplete-model warning
		}
		for _, f := range e.Flows() {
			if len(f.DataSent) > 0 || len(f.DataReceived) > 0 {
				continue
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Detail: fmt.Sprintf("Flow %s from %s to %s carries no data asset in either direction.",
					e.FlowName(f), e.Name(f.From), e.Name(f.To)),
			})
		}
	})
}
