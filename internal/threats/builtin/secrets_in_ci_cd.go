package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("secrets-in-ci-cd", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitBuildPipeline) {
				continue
			}
			var reaches, sensitive []string
			for _, f := range e.Outgoing(c.ID) {
				to := e.Target(f)
				if to == nil || to.ID == c.ID {
					continue
				}
				reaches = append(reaches, to.ID)
				if e.Rate(to.ID).Sensitive() {
					sensitive = append(sensitive, to.ID)
				}
			}
			h := threats.Hit{Targets: []string{c.ID},
				Detail: fmt.Sprintf("%s needs credentials to build and publish software; kept as pipeline "+
					"variables they can leak through logs, plugins or untrusted builds.", e.Name(c.ID))}
			if len(reaches) > 0 {
				h.Detail = fmt.Sprintf("%s holds the credentials it uses to reach %s; kept as pipeline variables "+
					"they can leak through logs, plugins or untrusted builds.", e.Name(c.ID), e.NameList(reaches))
			}
			if len(sensitive) > 0 {
				h.Impact = 5
				h.Data = e.DataAtStake(sensitive...)
			}
			emit(h)
		}
	})
}
