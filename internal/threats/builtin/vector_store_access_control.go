package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("vector-store-access-control", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.IsAny(c, threats.TraitVectorStore) || anyControl(e, c.ID, "access-control", "tenant-isolation") {
				continue
			}
			held := threats.Unique(append(e.DataWhere(threats.Rating.Confidential, c.Stores), e.PersonalAmong(c.Stores)...))
			if len(held) == 0 {
				continue
			}
			var readers []string
			for _, f := range e.Incoming(c.ID) {
				if r := e.Source(f); r != nil && reads(f) && llmCaller(e, r) && e.ReachedByInput(r) {
					readers = append(readers, r.ID)
				}
			}
			if len(readers) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s holds %s and %s retrieves from it for "+
					"every caller: without filtering by the caller's rights, one user's question returns another's documents.",
					e.Name(c.ID), e.NameList(held), e.NameList(readers))})
			}
		}
	})
}
