package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("third-party-script-skimming", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || !e.Is(c, threats.TraitWebApp) || e.IsClient(c) || !e.TakesInput(c) || e.Has(c.ID, "script-integrity") ||
				managedIdP(e, c) {
				continue
			}
			var entered []string
			for _, f := range browserFlows(e, c) {
				entered = append(entered, e.DataWhere(threats.Rating.Confidential, f.DataSent)...)
			}
			if entered = threats.Unique(entered); len(entered) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}, Data: entered, Detail: fmt.Sprintf("People type %s into pages of %s: one "+
				"compromised analytics, chat or tag-manager script on those pages copies every keystroke to the attacker.",
				e.NameList(entered), e.Name(c.ID))}
			if e.RateData(entered).StrictlyConfidential() {
				h.Impact = 4
			}
			emit(h)
		}
	})
}
