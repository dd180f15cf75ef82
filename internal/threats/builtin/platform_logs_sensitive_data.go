package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("platform-logs-sensitive-data", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || anyControl(e, c.ID, "log-redaction") {
				continue
			}
			if !(c.Type == "serverless-function" || c.Type == "api-gateway" || c.Hosting == "serverless" || c.Hosting == "cloud-paas") {
				continue
			}
			held := threats.Unique(append(e.DataWhere(threats.Rating.Confidential, c.Processes), e.PersonalAmong(c.Processes)...))
			if len(held) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s runs on a managed platform that logs for it: "+
					"request bodies, headers and printed debug output with %s land in platform logs the model does not show.",
					e.Name(c.ID), e.NameList(held))})
			}
		}
	})
}
