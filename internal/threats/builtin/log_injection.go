package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("log-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.CustomCode || !e.TakesInput(c) || anyControl(e, c.ID, "input-validation", "output-encoding") {
				continue
			}
			var logs []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && t.Type == "log-store" {
					logs = append(logs, t.ID)
				}
			}
			if len(logs) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s writes what outside callers send into %s: line breaks "+
					"and control characters forge entries, hide an attack or inject into the tools that display the log.", e.Name(c.ID), e.NameList(threats.Unique(logs)))})
			}
		}
	})
}
