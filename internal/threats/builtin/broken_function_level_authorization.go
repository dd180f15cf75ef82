package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("broken-function-level-authorization", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.AdminInterface || threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Has(c.ID, "access-control") {
				continue
			}
			var open []string
			for _, f := range fromOutside(e, c) {
				if e.Authenticated(f) && f.Authorization != "rbac" && f.Authorization != "abac" && !e.Has(f.ID, "access-control") {
					open = append(open, f.ID)
				}
			}
			if len(open) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s has administration functions next to the ones %s use, "+
					"with no role check in the model: an ordinary account calls the admin endpoints.", e.Name(c.ID), e.NameList(open))})
			}
		}
	})
}
