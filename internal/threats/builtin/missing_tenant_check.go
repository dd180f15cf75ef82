package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-tenant-check", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.MultiTenant || threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Has(c.ID, "tenant-isolation") {
				continue
			}
			var open []string
			for _, f := range fromOutside(e, c) {
				if f.Authorization != "abac" && !e.Has(f.ID, "tenant-isolation") {
					open = append(open, f.ID)
				}
			}
			if len(open) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s serves several tenants and takes %s without a tenant "+
					"check in the model: a tenant id in the request, a cache key or a missed filter shows one tenant another's data.",
					e.Name(c.ID), e.NameList(open))})
			}
		}
	})
}
