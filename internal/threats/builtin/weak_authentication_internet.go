package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("weak-authentication-internet", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.InternetFacing || !c.HumanUse || c.AdminInterface || threats.Kind(c) == model.KindExternalEntity {
				continue
			}
			if c.Authentication != "password" && c.Authentication != "session" {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID},
				Detail: fmt.Sprintf("%s lets people log in from the internet with %s only, so leaked or guessed "+
					"passwords are enough to take over accounts.", e.Name(c.ID), c.Authentication)}
			if sensitive := e.DataWhere(threats.Rating.Confidential, c.Stores, c.Processes); len(sensitive) > 0 {
				h.Impact = 4
				h.Detail = fmt.Sprintf("%s lets people log in from the internet with %s only, so leaked or "+
					"guessed passwords are enough to reach %s.", e.Name(c.ID), c.Authentication, e.NameList(sensitive))
			}
			emit(h)
		}
	})
}
