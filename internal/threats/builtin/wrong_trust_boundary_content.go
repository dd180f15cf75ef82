package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("wrong-trust-boundary-content", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			b := e.Ix.Boundaries[e.Ix.Parent[c.ID]]
			if b == nil || b.Type != "container" {
				continue
			}
			var what string
			switch {
			case threats.Kind(c) == model.KindExternalEntity:
				what = "an external entity"
			case c.Hosting != "" && c.Hosting != "container" && c.Hosting != "serverless":
				what = "hosted on " + string(c.Hosting)
			default:
				continue
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail:  fmt.Sprintf("%s is %s but sits in container boundary %s.", e.Name(c.ID), what, e.Name(b.ID)),
			})
		}
	})
}
