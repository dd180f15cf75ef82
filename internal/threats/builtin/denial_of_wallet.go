package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("denial-of-wallet", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || languageModel(e, c) || !e.ReachedByInput(c) ||
				anyControl(e, c.ID, "spend-limits", "rate-limiting") {
				continue
			}
			if c.Type == "serverless-function" || c.Hosting == "serverless" || c.Hosting == "cloud-paas" && c.Type == "api-gateway" {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s scales and bills per request, and outside callers reach it: "+
					"a flood of requests does not take it down but runs up the bill, until a quota stops the whole account.", e.Name(c.ID))})
			}
		}
	})
}
