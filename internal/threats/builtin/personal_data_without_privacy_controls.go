package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("personal-data-without-privacy-controls", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) == model.KindExternalEntity {
				continue
			}
			personal := e.PersonalAmong(c.Stores)
			if len(personal) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}, Data: personal,
				Detail: fmt.Sprintf("%s stores %s, personal data that needs minimisation, retention limits "+
					"and data-subject request handling.", e.Name(c.ID), e.NameList(personal))}
			for _, id := range personal {
				if q := e.Ix.Data[id].Quantity; q == "many" || q == "very-many" {
					h.Impact = 4
				}
			}
			emit(h)
		}
	})
}
