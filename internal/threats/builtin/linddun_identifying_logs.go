package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-identifying-logs", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || anyControl(e, c.ID, "log-redaction", "pseudonymization") {
				continue
			}
			people := false
			for _, f := range e.Incoming(c.ID) {
				people = people || fromPerson(e, f) || privacyAssumed(e) && threats.Kind(e.Source(f)) == model.KindExternalEntity
			}
			if !people {
				continue
			}
			var logs []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && (t.Type == "log-store" || e.Is(t, threats.TraitMonitoring)) {
					logs = append(logs, t.ID)
				}
			}
			if len(logs) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s serves people directly and logs to %s: addresses, "+
					"user ids and request paths in the logs identify who did what, for everyone who can read the logs.", e.Name(c.ID), e.NameList(threats.Unique(logs)))})
			}
		}
	})
}
