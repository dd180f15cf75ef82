package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("cloud-metadata-ssrf", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !e.ReachedByInput(c) || e.Has(c.ID, "ssrf-protection") {
				continue
			}
			if !inCloud(e, c) && c.Hosting != "container" {
				continue
			}
			var out []string
			for _, f := range e.Outgoing(c.ID) {
				// a named third-party API is a fixed destination; other external
				// entities stand for addresses the component is told to fetch
				if t := e.Target(f); t != nil && t.Type == "external-entity" && f.Protocol.Web() {
					out = append(out, t.ID)
				}
			}
			if len(out) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s runs in the cloud, fetches addresses outside (%s) and "+
					"is reached by outside input: pointed at the instance metadata endpoint, it hands over its cloud credentials.",
					e.Name(c.ID), e.NameList(threats.Unique(out)))})
			}
		}
	})
}
