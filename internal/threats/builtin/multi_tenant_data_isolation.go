package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("multi-tenant-data-isolation", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.MultiTenant || threats.Kind(c) == model.KindExternalEntity {
				continue
			}
			shared := e.DataWhere(threats.Rating.Confidential, c.Stores, c.Processes)
			if len(shared) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}, Data: shared,
				Detail: fmt.Sprintf("%s serves several tenants and holds their %s; a missing tenant check would "+
					"expose one tenant's data to another.", e.Name(c.ID), e.NameList(shared))}
			if len(e.DataWhere(threats.Rating.StrictlyConfidential, shared)) > 0 {
				h.Impact = 5
			}
			emit(h)
		}
	})
}
