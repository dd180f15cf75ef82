package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("client-side-enforcement", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || e.Has(c.ID, "input-validation") {
				continue
			}
			var clients []string
			for _, f := range clientFlows(e, c) {
				if from := e.Source(f); from != nil && from.CustomCode && len(f.DataSent) > 0 {
					clients = append(clients, from.ID)
				}
			}
			if clients = threats.Unique(clients); len(clients) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s takes data from %s, a client the team writes, with no "+
					"validation of its own in the model: checks the client makes are skipped by calling the API directly.", e.Name(c.ID), e.NameList(clients))})
			}
		}
	})
}
