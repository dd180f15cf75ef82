package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("websocket-hijacking", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Has(c.ID, "csrf-token") {
				continue
			}
			var ws []string
			for _, f := range browserFlows(e, c) {
				if (f.Protocol == "ws" || f.Protocol == "wss") && f.Authentication == "session" && !e.Has(f.ID, "csrf-token") {
					ws = append(ws, f.ID)
				}
			}
			if len(ws) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Browsers open WebSockets to %s authenticated by their session "+
					"cookie (%s): any site the user visits can open one too, and read and send as the user.", e.Name(c.ID), e.NameList(ws))})
			}
		}
	})
}
