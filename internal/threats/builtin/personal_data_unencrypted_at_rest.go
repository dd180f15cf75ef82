package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("personal-data-unencrypted-at-rest", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) == model.KindExternalEntity || (c.EncryptionAtRest != "" && c.EncryptionAtRest != "none") {
				continue
			}
			personal := e.PersonalAmong(c.Stores)
			if len(personal) == 0 {
				continue
			}
			how := "does not declare encryption at rest"
			if c.EncryptionAtRest == "none" {
				how = "does not encrypt it at rest"
			}
			h := threats.Hit{Targets: []string{c.ID}, Data: personal,
				Detail: fmt.Sprintf("%s stores %s and %s.", e.Name(c.ID), e.NameList(personal), how)}
			if len(e.DataWhere(threats.Rating.StrictlyConfidential, personal)) > 0 {
				h.Impact = 5
			}
			emit(h)
		}
	})
}
