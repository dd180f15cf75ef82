package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("personal-data-unencrypted-in-transit", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			if e.Encrypted(f) || f.Protocol == "in-process" || f.Protocol == "ipc" || f.Protocol == "local-file" {
				continue
			}
			from, to := e.Source(f), e.Target(f)
			if !e.Crosses(f) && threats.Kind(from) != model.KindExternalEntity && threats.Kind(to) != model.KindExternalEntity {
				continue
			}
			personal := e.PersonalAmong(f.DataSent, f.DataReceived)
			if len(personal) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{f.ID}, Data: personal,
				Detail: fmt.Sprintf("%s carries %s between %s and %s over %s without encryption.",
					e.Name(f.ID), e.NameList(personal), e.Name(from.ID), e.Name(to.ID), f.Protocol)}
			if len(e.DataWhere(threats.Rating.StrictlyConfidential, personal)) > 0 {
				h.Impact = 4
			}
			emit(h)
		}
	})
}
