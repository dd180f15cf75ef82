package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("dependency-confusion", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitBuildPipeline) || e.Has(c.ID, "package-scoping") {
				continue
			}
			var regs []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && (t.Type == "artifact-registry" || threats.TechIs(t, "nexus", "artifactory", "npm", "pypi", "maven")) && reads(f) {
					regs = append(regs, t.ID)
				}
			}
			if len(regs) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s resolves packages through %s: an internal package name "+
					"published on a public registry with a higher version, or a typo of a popular one, is pulled into the build.",
					e.Name(c.ID), e.NameList(regs))})
			}
		}
	})
}
