package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("hardcoded-secrets", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.CustomCode || agent(e, c) || anyControl(e, c.ID, "secrets-vault", "secret-scanning") {
				continue
			}
			var with []string
			for _, f := range e.Outgoing(c.ID) {
				switch f.Authentication {
				case "api-key", "password":
					with = append(with, f.To)
				}
			}
			if with = threats.Unique(with); len(with) > 0 {
				where := "its code or configuration"
				if c.Hosting == "container" || threats.TechIs(c, "docker", "container") {
					where = "its code, configuration or container image"
				}
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s signs in to %s with static passwords or API keys that end "+
					"up in %s: anyone with the repository or the image has them.", e.Name(c.ID), e.NameList(with), where)})
			}
		}
	})
}
