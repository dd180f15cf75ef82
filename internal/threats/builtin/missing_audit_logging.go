package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-audit-logging", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) {
				continue
			}
			var sensitive []string
			if actedOn(c) {
				sensitive = e.DataWhere(threats.Rating.Confidential, c.Stores, c.Processes)
			}
			if !c.AdminInterface && len(sensitive) == 0 {
				continue
			}
			var detail string
			switch {
			case c.AdminInterface && len(sensitive) > 0:
				detail = fmt.Sprintf("%s exposes an administration interface and handles %s; without an audit "+
					"log nobody could tell who changed or read what.", e.Name(c.ID), e.NameList(sensitive))
			case c.AdminInterface:
				detail = fmt.Sprintf("%s exposes an administration interface; without an audit log nobody could "+
					"tell who changed what.", e.Name(c.ID))
			default:
				detail = fmt.Sprintf("%s handles %s; without an audit log nobody could tell who read or changed it.",
					e.Name(c.ID), e.NameList(sensitive))
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: detail})
		}
	})
}

// actedOn reports whether a process is where people or the system's own code
// act on data, so that its actions need an audit trail: custom code, a
// component people use, or an identity provider, vault or build pipeline.
func actedOn(c *model.Component) bool {
	switch c.Type {
	case "identity-provider", "vault", "build-pipeline":
		return true
	}
	return c.CustomCode || c.HumanUse
}
