package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("container-api-exposed", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitContainerPlatform) || !e.FromInternet(c) || anyControl(e, c.ID, "ip-allowlist", "network-segmentation") {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s is reachable from the internet: its API, dashboard or "+
				"kubelet is probed constantly, and one weak credential or unauthenticated port runs containers of the attacker's.", e.Name(c.ID))})
		}
	})
}
