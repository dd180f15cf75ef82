package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-linkable-records", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindDataStore || e.Has(c.ID, "pseudonymization") {
				continue
			}
			personal := personalData(e, c.Stores)
			sources := ids(writers(e, c))
			if len(personal) >= 2 || len(personal) == 1 && len(sources) >= 2 || privacyAssumed(e) && len(sources) >= 2 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: personal, Detail: fmt.Sprintf("%s brings together records about the same "+
					"people from %s: joined on shared identifiers they reveal more than each source does.", e.Name(c.ID), e.NameList(sources))})
			}
		}
	})
}
