package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-rate-limiting", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !c.InternetFacing || threats.Kind(c) != model.KindProcess || e.IsClient(c) {
				continue
			}
			in := e.Incoming(c.ID)
			var callers []string
			for _, f := range in {
				if from := e.Source(f); from != nil && e.Untrusted(from) && !slices.Contains(callers, from.ID) {
					callers = append(callers, from.ID)
				}
			}
			if len(in) > 0 && len(callers) == 0 {
				continue
			}
			detail := fmt.Sprintf("%s is reachable from the internet; unless requests are limited, anyone "+
				"can call it as fast as they like.", e.Name(c.ID))
			if len(callers) > 0 {
				detail = fmt.Sprintf("%s takes requests from %s directly from the internet; unless requests "+
					"are limited, they can call it as fast as they like.", e.Name(c.ID), e.NameList(callers))
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: detail})
		}
	})
}
