package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("llm-indirect-prompt-injection", func(e *threats.Env, emit func(threats.Hit)) {
		shaped := shapedFromOutside(e)
		for _, c := range e.Components() {
			llm := modelOf(e, c)
			if llm == "" || llm == c.ID && !agent(e, c) || e.Has(c.ID, "llm-guardrails") {
				continue
			}
			var sources []string
			for _, f := range e.Outgoing(c.ID) {
				t := e.Target(f)
				if t == nil || t.ID == llm || !reads(f) {
					continue
				}
				switch {
				case threats.Kind(t) == model.KindExternalEntity:
					sources = append(sources, t.ID)
				case e.IsAny(t, threats.TraitVectorStore|threats.TraitSearch|threats.TraitAITool) || threats.Kind(t) == model.KindDataStore:
					for _, w := range writers(e, t) {
						if w.ID != c.ID && shaped[w.ID] {
							sources = append(sources, t.ID)
							break
						}
					}
				}
			}
			if sources = threats.Unique(sources); len(sources) > 0 {
				h := threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s puts content from %s into the context of %s; "+
					"others than the user wrote that content, and instructions hidden in it act with the user's rights.",
					e.Name(c.ID), e.NameList(sources), e.Name(llm))}
				if agent(e, c) {
					h.Impact = 4
				}
				emit(h)
			}
		}
	})
}
