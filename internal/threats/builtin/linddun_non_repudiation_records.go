package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-non-repudiation-records", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if c.Type != "log-store" || anyControl(e, c.ID, "data-retention", "pseudonymization") {
				continue
			}
			personal := e.DataAmong(func(d *model.DataAsset) bool {
				return (d.Personal || privacyAssumed(e)) && d.Classification.Level() >= 2
			}, c.Stores)
			if len(personal) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: personal, Detail: fmt.Sprintf("%s keeps %s with who did what: a lasting "+
					"record people cannot deny, disclosed in a breach or a legal request, where they would expect deniability.", e.Name(c.ID), e.NameList(personal))})
			}
		}
	})
}
