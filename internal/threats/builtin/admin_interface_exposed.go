package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("admin-interface-exposed", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.AdminInterface || threats.Kind(c) == model.KindExternalEntity {
				continue
			}
			var callers []string
			for _, f := range e.Incoming(c.ID) {
				from := e.Source(f)
				if from == nil || threats.Kind(from) != model.KindExternalEntity || f.VPN || f.IPFiltered {
					continue
				}
				// A caller inside the component's own network is trusted; one outside every modelled network is not.
				if net := e.Network(from.ID); net == "" || net != e.Network(c.ID) {
					callers = append(callers, from.ID)
				}
			}
			if !c.InternetFacing && len(callers) == 0 {
				continue
			}
			detail := fmt.Sprintf("The administration interface of %s is reachable from the internet.", e.Name(c.ID))
			if len(callers) > 0 {
				detail = fmt.Sprintf("The administration interface of %s is reachable by %s without a VPN or "+
					"source-address filtering.", e.Name(c.ID), e.NameList(callers))
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: detail})
		}
	})
}
