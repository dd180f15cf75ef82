package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("broken-object-level-authorization", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || !c.CustomCode || e.Has(c.ID, "access-control") {
				continue
			}
			var open []string
			var held []string
			for _, f := range fromOutside(e, c) {
				if !e.Authenticated(f) || f.Authorization == "enduser" || f.Authorization == "abac" || e.Has(f.ID, "access-control") {
					continue
				}
				data := threats.Unique(append(e.DataWhere(threats.Rating.Confidential, f.DataSent, f.DataReceived), e.PersonalAmong(f.DataSent, f.DataReceived)...))
				if len(data) > 0 {
					open = append(open, f.ID)
					held = append(held, data...)
				}
			}
			if len(open) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: threats.Unique(held), Detail: fmt.Sprintf("%s serves %s to signed-in callers "+
					"(%s) with no per-object check in the model: changing an id in a request returns another user's record.",
					e.Name(c.ID), e.NameList(threats.Unique(held)), e.NameList(open))})
			}
		}
	})
}
