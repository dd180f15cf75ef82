package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("llm-prompt-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !llmFront(e, c) {
				continue // the model behind an agent or an LLM framework is its caller's threat
			}
			llm := ""
			if languageModel(e, c) {
				llm = c.ID
			}
			var tools []string
			for _, f := range e.Outgoing(c.ID) {
				to := e.Target(f)
				if to == nil {
					continue
				}
				if languageModel(e, to) && !e.Is(to, threats.TraitAgent) { // an agent it calls is raised on its own
					if llm == "" {
						llm = to.ID
					}
					continue
				}
				tools = append(tools, to.ID)
			}
			if llm == "" {
				continue
			}
			var sources []string
			for _, f := range e.Incoming(c.ID) {
				if from := e.Source(f); from != nil && e.Untrusted(from) {
					sources = append(sources, from.ID)
				}
			}
			if !c.InternetFacing && len(sources) == 0 && !e.ReachedByInput(c) {
				continue
			}
			uses := "uses a language model"
			if llm != c.ID {
				uses = "passes input to " + e.Name(llm)
			}
			from := "the internet"
			if !c.InternetFacing {
				from = "outside callers, passed on by other components"
			}
			if len(sources) > 0 {
				from = e.NameList(sources)
			}
			h := threats.Hit{Targets: []string{c.ID},
				Detail: fmt.Sprintf("%s %s with text from %s, which can carry instructions that override its own.",
					e.Name(c.ID), uses, from)}
			sensitive := e.DataWhere(threats.Rating.Confidential, c.Stores, c.Processes)
			if len(sensitive) > 0 {
				h.Impact = 4
				h.Detail += fmt.Sprintf(" It could be made to disclose %s.", e.NameList(sensitive))
			}
			if len(tools) > 0 {
				h.Impact = 4
				h.Detail += fmt.Sprintf(" It can act on %s.", e.NameList(tools))
			}
			emit(h)
		}
	})
}

// languageModel reports whether a component is or wraps a large language model.
func languageModel(e *threats.Env, c *model.Component) bool { return e.Is(c, threats.TraitLLM) }
