package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("personal-data-to-third-party", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			var party *model.Component
			var leaving []string
			switch {
			case thirdParty(to) && !thirdParty(from):
				party, leaving = to, e.PersonalAmong(f.DataSent)
			case thirdParty(from) && !thirdParty(to):
				party, leaving = from, e.PersonalAmong(f.DataReceived)
			default:
				continue
			}
			if len(leaving) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{f.ID}, Data: leaving,
				Detail: fmt.Sprintf("%s hands %s to %s, a third party outside the system's control.",
					e.Name(f.ID), e.NameList(leaving), e.Name(party.ID))}
			if len(e.DataWhere(threats.Rating.StrictlyConfidential, leaving)) > 0 {
				h.Impact = 4
			}
			emit(h)
		}
	})
}

// thirdParty reports whether a component is an external entity other than a
// user, i.e. an organisation or service that receives data for its own processing.
func thirdParty(c *model.Component) bool {
	return c != nil && threats.Kind(c) == model.KindExternalEntity && c.Type != "user"
}
