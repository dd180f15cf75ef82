package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("personal-data-scraping", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !server(e, c) || !e.TakesInput(c) || anyControl(e, c.ID, "rate-limiting") {
				continue
			}
			var served []string
			for _, f := range clientFlows(e, c) {
				served = append(served, e.PersonalAmong(f.DataReceived)...)
			}
			if served = threats.Unique(served); len(served) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: served, Detail: fmt.Sprintf("%s returns %s to clients with no limit on how "+
					"much one caller collects: scripts page or enumerate through it and compile everyone's records.", e.Name(c.ID), e.NameList(served))})
			}
		}
	})
}
