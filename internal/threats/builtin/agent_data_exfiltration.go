package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("agent-data-exfiltration", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !agent(e, c) || !e.ReachedByInput(c) || e.Has(c.ID, "human-approval") {
				continue
			}
			held := threats.Unique(append(e.DataWhere(threats.Rating.Confidential, c.Processes, c.Stores), e.PersonalAmong(c.Processes, c.Stores)...))
			if len(held) == 0 {
				continue
			}
			var out []string
			sends := func(from *model.Component) {
				for _, f := range e.Outgoing(from.ID) {
					if t := e.Target(f); t != nil && len(f.DataSent) > 0 && threats.Kind(t) == model.KindExternalEntity {
						out = append(out, t.ID)
					}
				}
			}
			sends(c)
			for _, t := range aiTools(e, c) {
				sends(t)
			}
			if out = threats.Unique(out); len(out) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s holds %s and can send data to %s: "+
					"an injected instruction makes it mail, post or file the data outside.", e.Name(c.ID), e.NameList(held), e.NameList(out))})
			}
		}
	})
}
