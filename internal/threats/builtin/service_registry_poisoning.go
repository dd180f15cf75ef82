package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("service-registry-poisoning", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitServiceRegistry) {
				continue
			}
			r := e.Rate(c.ID)
			var callers []string
			for _, f := range e.Incoming(c.ID) {
				callers = append(callers, e.Name(f.From))
				if from := e.Source(f); from != nil {
					r = r.Max(e.Rate(from.ID)).Max(e.Rate(f.ID))
				}
			}
			impact := 2
			if r.Top() {
				impact = 3
			}
			detail := fmt.Sprintf("%s tells services where their peers are; a poisoned entry would redirect their calls.", e.Name(c.ID))
			if len(callers) > 0 {
				detail += " Its clients: " + strings.Join(callers, ", ") + "."
			}
			emit(threats.Hit{Targets: []string{c.ID}, Impact: impact, Detail: detail})
		}
	})
}
