package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-backup", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindDataStore || c.Type == "cache" || c.Type == "queue" {
				continue
			}
			var critical bool
			needed := e.DataAmong(func(d *model.DataAsset) bool {
				critical = critical || d.CIA.Availability == "critical"
				return d.CIA.Availability.Score() >= 4
			}, c.Stores)
			if len(needed) == 0 {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}, Data: needed,
				Detail: fmt.Sprintf("%s stores %s, whose availability matters: without an independent "+
					"backup, a deletion, corruption or ransomware attack would be permanent.", e.Name(c.ID), e.NameList(needed))}
			if critical {
				h.Impact = 5
			}
			emit(h)
		}
	})
}
