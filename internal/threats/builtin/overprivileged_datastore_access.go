package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("overprivileged-datastore-access", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			to := e.Target(f)
			if f.Readonly || threats.Kind(to) != model.KindDataStore || len(f.DataSent) > 0 {
				continue
			}
			read := e.DataAmong(sensitiveOrPersonal, f.DataReceived)
			if len(read) == 0 {
				continue
			}
			emit(threats.Hit{Targets: []string{f.ID}, Data: read,
				Detail: fmt.Sprintf("%s only reads %s from %s, yet the flow is not read-only: a compromise of %s "+
					"could also change or delete it.", e.Name(f.From), e.NameList(read), e.Name(to.ID), e.Name(f.From))})
		}
	})
}
