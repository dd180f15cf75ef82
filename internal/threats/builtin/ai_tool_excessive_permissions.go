package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("ai-tool-excessive-permissions", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitAITool) || e.Has(c.ID, "least-privilege") {
				continue
			}
			var broad []string
			writes := false
			for _, f := range e.Outgoing(c.ID) {
				if f.Authorization == "enduser" || f.Authorization == "abac" || e.Target(f) == nil {
					continue
				}
				broad = append(broad, f.To)
				writes = writes || !f.Readonly && len(f.DataSent) > 0
			}
			if len(broad) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s reaches %s with its own service identity, not the user's: "+
				"whatever the agent is talked into asking, it can do for every user's data.", e.Name(c.ID), e.NameList(threats.Unique(broad)))}
			if writes {
				h.Impact = 4
			}
			emit(h)
		}
	})
}
