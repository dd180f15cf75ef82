package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("overbroad-iam-role", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || e.Has(c.ID, "least-privilege") {
				continue
			}
			var reach []string
			for _, f := range e.Outgoing(c.ID) {
				if f.Authentication == "iam-role" {
					reach = append(reach, f.To)
				}
			}
			if reach = threats.Unique(reach); len(reach) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s uses a cloud role to reach %s: roles granted with "+
					"wildcards (s3:*, Resource *) let whoever takes over the component read and change far more than it needs.",
					e.Name(c.ID), e.NameList(reach))})
			}
		}
	})
}
