package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("rag-poisoning", func(e *threats.Env, emit func(threats.Hit)) {
		shaped := shapedFromOutside(e)
		for _, c := range e.Components() {
			if !e.IsAny(c, threats.TraitVectorStore) || e.Has(c.ID, "data-provenance") {
				continue
			}
			var from []string
			for _, w := range writers(e, c) {
				if shaped[w.ID] && !e.Has(w.ID, "data-provenance") {
					from = append(from, w.ID)
				}
			}
			if len(from) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s is filled by %s with content from outside the system: "+
					"planted passages are retrieved as if they were trusted knowledge.", e.Name(c.ID), e.NameList(from))})
			}
		}
	})
}
