package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-transfer-without-agreement", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			t := e.Target(f)
			if t == nil || !(threats.Kind(t) == model.KindExternalEntity || threats.Managed(t)) || threats.IsPerson(t) || e.IsClient(t) ||
				anyControl(e, f.ID, "data-processing-agreement") {
				continue
			}
			if personal := personalData(e, f.DataSent); len(personal) > 0 {
				emit(threats.Hit{Targets: []string{f.ID}, Data: personal, Detail: fmt.Sprintf("%s sends %s to %s, a third party, with no "+
					"processing agreement or transfer basis recorded.", e.FlowName(f), e.NameList(personal), e.Name(t.ID))})
			}
		}
	})
}
