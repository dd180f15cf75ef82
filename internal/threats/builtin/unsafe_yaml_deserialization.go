package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unsafe-yaml-deserialization", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !c.CustomCode || !slices.Contains(c.DataFormats, "yaml") || !e.ReachedByInput(c) ||
				e.Has(c.ID, "safe-deserialization") {
				continue
			}
			if threats.TechIs(c, "python", "django", "flask", "fastapi", "ruby", "rails", "java", "spring", "spring-boot", "snakeyaml", "pyyaml") {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s parses YAML from outside with %s: the language's full "+
					"YAML loaders build arbitrary objects, and a crafted document runs code.", e.Name(c.ID), c.Technology)})
			}
		}
	})
}
