package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unencrypted-backups", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) == model.KindExternalEntity || c.EncryptionAtRest == "application" || !e.Declares(c.ID, "backup") {
				continue
			}
			at := e.DataAmong(func(d *model.DataAsset) bool {
				return d.Personal || d.Classification.Level() >= 2
			}, c.Stores)
			if len(at) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}, Data: at,
				Detail: fmt.Sprintf("Backups of %s hold copies of %s; unless they are encrypted, one copied "+
					"backup discloses all of it.",
					e.Name(c.ID), e.NameList(at))}
			if len(e.DataWhere(threats.Rating.StrictlyConfidential, at)) > 0 {
				h.Impact = 5
			}
			emit(h)
		}
	})
}
