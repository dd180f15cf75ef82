package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("container-baseimage-backdooring", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if c.Hosting != "container" {
				continue
			}
			impact := 3
			if e.Rate(c.ID).Top() {
				impact = 4
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Component '%s' runs as a container: a backdoored or vulnerable base image "+
					"layer would run inside it with access to its data and credentials.", e.Name(c.ID)),
				Impact: impact,
			})
		}
	})
}
