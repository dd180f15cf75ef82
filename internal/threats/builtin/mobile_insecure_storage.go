package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("mobile-insecure-storage", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !mobile(c) || c.EncryptionAtRest != "" && c.EncryptionAtRest != "none" || e.Has(c.ID, "encryption-at-rest") {
				continue
			}
			held := threats.Unique(append(e.DataWhere(threats.Rating.Confidential, c.Stores), e.PersonalAmong(c.Stores)...))
			if len(held) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s keeps %s on the phone without encryption: "+
					"backups, other apps on a rooted device and anyone holding the unlocked phone read it.", e.Name(c.ID), e.NameList(held))})
			}
		}
	})
}
