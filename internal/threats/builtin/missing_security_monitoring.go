package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-security-monitoring", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) == model.KindExternalEntity || e.IsClient(c) || c.Type == "monitoring" || e.MonitoredBy(c) != "" {
				continue
			}
			exposed := c.InternetFacing && threats.Kind(c) == model.KindProcess
			restricted := e.DataWhere(threats.Rating.StrictlyConfidential, c.Stores)
			if !exposed && len(restricted) == 0 {
				continue
			}
			var detail string
			switch {
			case exposed && len(restricted) > 0:
				detail = fmt.Sprintf("%s is reachable from the internet and stores %s; without monitoring "+
					"nobody would be alerted to an attack on it.", e.Name(c.ID), e.NameList(restricted))
			case exposed:
				detail = fmt.Sprintf("%s is reachable from the internet; without monitoring nobody would be "+
					"alerted to an attack on it.", e.Name(c.ID))
			default:
				detail = fmt.Sprintf("%s stores %s; without monitoring nobody would be alerted to unusual "+
					"access to it.", e.Name(c.ID), e.NameList(restricted))
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: detail})
		}
	})
}
