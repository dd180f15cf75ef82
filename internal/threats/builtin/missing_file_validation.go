package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-file-validation", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.CustomCode || !slices.Contains(c.DataFormats, "file") {
				continue
			}
			impact := 2
			if e.Rate(c.ID).Top() {
				impact = 3
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Component '%s' accepts files in its own code: a file with a forged name, "+
					"type or content could be stored, served or executed.", e.Name(c.ID)),
				Impact: impact,
			})
		}
	})
}
