package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("http-request-smuggling", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from == nil || to == nil || !e.Guard(from) || !e.TakesInput(from) || !f.Protocol.Web() || threats.Kind(to) != model.KindProcess {
				continue
			}
			if anyControl(e, f.ID, "http-normalization") || e.Has(from.ID, "http-normalization") {
				continue
			}
			emit(threats.Hit{Targets: []string{f.ID}, Detail: fmt.Sprintf("%s forwards outside requests to %s over %s: if the two parse "+
				"request boundaries differently, one request hides another that bypasses %s's checks or poisons other users' responses.",
				e.Name(from.ID), e.Name(to.ID), f.Protocol, e.Name(from.ID))})
		}
	})
}
