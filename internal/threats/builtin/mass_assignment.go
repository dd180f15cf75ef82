package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("mass-assignment", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || !c.CustomCode || e.Has(c.ID, "input-validation") {
				continue
			}
			takes := false
			for _, f := range fromOutside(e, c) {
				takes = takes || len(f.DataSent) > 0 && (f.Protocol == "graphql" || slices.Contains(c.DataFormats, "json") || e.Is(c, threats.TraitWebService))
			}
			var stores []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && threats.Kind(t) == model.KindDataStore && !f.Readonly && len(f.DataSent) > 0 {
					stores = append(stores, t.ID)
				}
			}
			if takes && len(stores) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s takes structured input from outside and writes to %s: "+
					"bound straight onto its objects, extra fields (role, owner, price) change what the caller may not.", e.Name(c.ID), e.NameList(threats.Unique(stores)))})
			}
		}
	})
}
