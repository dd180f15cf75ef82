package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("llm-output-rendering", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitWebApp) || threats.Kind(c) != model.KindProcess || e.IsClient(c) || len(browserFlows(e, c)) == 0 ||
				e.Has(c.ID, "output-encoding") {
				continue
			}
			var models []string
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && len(f.DataReceived) > 0 && (languageModel(e, t) || agent(e, t)) {
					models = append(models, t.ID)
				}
			}
			if len(models) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s shows browsers what %s answers: markdown images, links "+
					"and HTML in an answer run in the user's session or leak the conversation in a URL.", e.Name(c.ID), e.NameList(models))})
			}
		}
	})
}
