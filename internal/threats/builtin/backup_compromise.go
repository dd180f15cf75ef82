package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("backup-compromise", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindDataStore || !e.Declares(c.ID, "backup") || e.Has(c.ID, "immutable-backups") {
				continue
			}
			if held := e.DataWhere(threats.Rating.Sensitive, c.Stores); len(held) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s is backed up, but nothing keeps the backups "+
					"apart: the credentials that reach production reach them too, so ransomware deletes them and a thief copies them.", e.Name(c.ID))})
			}
		}
	})
}
