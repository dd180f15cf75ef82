package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// The rules of LLM-integrated components (OWASP Top 10 for LLM
// Applications 2025) share what makes a component one: it is a language
// model, or a process that calls one.

// modelOf returns the language model a process calls, or the process itself
// when it is one and calls none, or "" when none.
func modelOf(e *threats.Env, c *model.Component) string {
	if threats.Kind(c) != model.KindProcess || e.IsClient(c) {
		return ""
	}
	for _, f := range e.Outgoing(c.ID) {
		// A framework (LangChain) calling a model service is the model's
		// caller; a process calling an AI agent is not: the agent is.
		if to := e.Target(f); to != nil && languageModel(e, to) && !e.Is(to, threats.TraitAgent) {
			return to.ID
		}
	}
	if languageModel(e, c) {
		return c.ID
	}
	return ""
}

// tools returns the components other than language models an LLM-integrated
// process changes (flows that are not read-only).
func tools(e *threats.Env, c *model.Component) []string {
	var out []string
	for _, f := range e.Outgoing(c.ID) {
		to := e.Target(f)
		if to == nil || languageModel(e, to) || f.Readonly || len(f.DataSent) == 0 {
			continue
		}
		out = append(out, to.ID)
	}
	return threats.Unique(out)
}

func init() {
	register("llm-excessive-agency", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if modelOf(e, c) == "" || !e.ReachedByInput(c) {
				continue
			}
			if acts := tools(e, c); len(acts) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s lets a language model's output decide "+
					"what it does, and it changes %s: a prompt injection or a confused model acts with its rights.",
					e.Name(c.ID), e.NameList(acts))})
			}
		}
	})
	register("llm-unbounded-consumption", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if modelOf(e, c) == "" || !e.ReachedByInput(c) || e.Has(c.ID, "rate-limiting") {
				continue
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("Requests from outside reach %s, which "+
				"spends model compute on each: without limits per caller they exhaust quotas or run up the bill.", e.Name(c.ID))})
		}
	})
	register("llm-improper-output-handling", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			llm := modelOf(e, c)
			if llm == "" || llm == c.ID {
				continue
			}
			passes := len(tools(e, c)) > 0
			for _, f := range e.Incoming(c.ID) {
				passes = passes || len(f.DataReceived) > 0
			}
			if passes {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s passes the answers of %s on to "+
					"other components: unless it validates and encodes them, model output becomes injection there.",
					e.Name(c.ID), e.Name(llm))})
			}
		}
	})
	register("llm-sensitive-information-disclosure", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if modelOf(e, c) == "" || !e.ReachedByInput(c) {
				continue
			}
			held := append(e.DataWhere(threats.Rating.Confidential, c.Processes, c.Stores), e.PersonalAmong(c.Processes, c.Stores)...)
			if held = threats.Unique(held); len(held) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: held, Detail: fmt.Sprintf("%s puts %s in a language "+
					"model's context while outside callers shape the prompts: crafted questions can draw it out.",
					e.Name(c.ID), e.NameList(held))})
			}
		}
	})
	register("model-supply-chain", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !languageModel(e, c) {
				continue
			}
			calls := false
			for _, f := range e.Outgoing(c.ID) {
				calls = calls || languageModel(e, e.Target(f))
			}
			if !calls {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s runs a model that comes from "+
					"outside the team: a poisoned model or adapter behaves normally until its trigger.", e.Name(c.ID))})
			}
		}
	})
}
