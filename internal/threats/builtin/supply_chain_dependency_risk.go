package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("supply-chain-dependency-risk", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) == model.KindExternalEntity {
				continue
			}
			if e.Is(c, threats.TraitBuildPipeline) {
				emit(threats.Hit{Targets: []string{c.ID},
					Detail: fmt.Sprintf("%s pulls build tools, plugins and dependencies from public sources into "+
						"every artifact it builds.", e.Name(c.ID))})
				continue
			}
			if !c.CustomCode {
				continue
			}
			pipelines := e.PipelinesInto(c)
			scanned := false
			for _, p := range pipelines {
				scanned = scanned || e.Has(p.ID, "dependency-scanning")
			}
			if scanned {
				continue
			}
			detail := fmt.Sprintf("%s is built from custom code and its third-party dependencies; a "+
				"vulnerable or malicious package among them would run with its privileges.", e.Name(c.ID))
			if len(pipelines) > 0 {
				ids := make([]string, len(pipelines))
				for i, p := range pipelines {
					ids[i] = p.ID
				}
				detail = fmt.Sprintf("%s is built from custom code and its third-party dependencies, and %s "+
					"delivers it without scanning them.", e.Name(c.ID), e.NameList(ids))
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: detail})
		}
	})
}
