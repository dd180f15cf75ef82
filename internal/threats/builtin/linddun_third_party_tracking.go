package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-third-party-tracking", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, t := e.Source(f), e.Target(f)
			if from == nil || t == nil || !e.IsClient(from) || !(threats.Kind(t) == model.KindExternalEntity || threats.Managed(t)) ||
				threats.IsPerson(t) || e.Guard(t) || len(e.Outgoing(t.ID)) > 0 || anyControl(e, f.ID, "consent-management") {
				continue // a front door that forwards to the system is part of it
			}
			if len(e.DataWhere(threats.Rating.Confidential, f.DataSent)) > 0 {
				continue // a deliberate transfer to a processor, not tracking
			}
			emit(threats.Hit{Targets: []string{f.ID}, Detail: fmt.Sprintf("%s calls %s directly: the third party sees who visits, "+
				"when and from where, and can follow people across sites.", e.Name(from.ID), e.Name(t.ID))})
		}
	})
}
