package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("session-fixation-hijacking", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || e.Has(c.ID, "session-management") {
				continue
			}
			var sessions []string
			for _, f := range browserFlows(e, c) {
				if f.Authentication == "session" && !e.Has(f.ID, "session-management") {
					sessions = append(sessions, f.ID)
				}
			}
			if len(sessions) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Browsers keep a session with %s (%s): a session id set "+
					"before sign-in, never renewed or long-lived is planted or stolen and replayed as the user.", e.Name(c.ID), e.NameList(sessions))})
			}
		}
	})
}
