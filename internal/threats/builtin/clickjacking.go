package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("clickjacking", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.Is(c, threats.TraitWebApp) || e.IsClient(c) || !e.TakesInput(c) || e.Has(c.ID, "anti-framing") {
				continue
			}
			acts := false
			for _, f := range browserFlows(e, c) {
				acts = acts || !f.Readonly && len(f.DataSent) > 0 && e.Authenticated(f)
			}
			if acts {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Signed-in users change things in pages of %s: framed "+
					"invisibly by another site, its buttons are clicked by users who think they click something else.", e.Name(c.ID))})
			}
		}
	})
}
