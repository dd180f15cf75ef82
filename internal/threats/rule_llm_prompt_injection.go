package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "llm-prompt-injection",
			Title:       "Prompt injection into an LLM-integrated component",
			STRIDE:      []model.STRIDE{model.Tampering, model.InformationDisclosure, model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{74, 1426},
			Likelihood:  4,
			Impact:      3,
			Mitigations: []string{"llm-guardrails"},
			Trigger: "A process that is or calls a large language model (its technology, or the technology of a " +
				"component it calls, names an LLM such as GPT, Claude, Gemini, Llama, Bedrock or LangChain) takes " +
				"input from an external entity or is internet-facing. The impact is higher when the process handles " +
				"confidential data or can call other components (tools).",
			Why: "A language model cannot reliably tell instructions from data: text in a user message, a web page, " +
				"an e-mail or a document it reads can override its instructions. The attacker then makes it reveal " +
				"its context and the data it can reach, or use its tools and integrations on the attacker's behalf.",
			Mitigation: "Treat model output as untrusted input: validate and encode it before use, never pass it to " +
				"interpreters or queries unchecked. Give the model only the data and tools the current user may use, " +
				"require confirmation for consequential actions, keep system instructions apart from untrusted " +
				"content, and monitor for abuse.",
			References: []string{
				"https://genai.owasp.org/llmrisk/llm01-prompt-injection/",
				"OWASP Top 10 for LLM Applications 2025, LLM05 Improper Output Handling and LLM06 Excessive Agency",
				"MITRE ATLAS AML.T0051, LLM Prompt Injection",
				"NIST AI 600-1, Generative Artificial Intelligence Profile",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) != model.KindProcess || clientSide(c) {
					continue
				}
				llm := ""
				if languageModel(c) {
					llm = c.ID
				}
				var tools []string
				for _, f := range e.Outgoing(c.ID) {
					to := e.Target(f)
					if to == nil {
						continue
					}
					if languageModel(to) {
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
					if from := e.Source(f); from != nil && Kind(from) == model.KindExternalEntity {
						sources = append(sources, from.ID)
					}
				}
				if !c.InternetFacing && len(sources) == 0 {
					continue
				}
				uses := "uses a language model"
				if llm != c.ID {
					uses = "passes input to " + e.Name(llm)
				}
				from := "the internet"
				if len(sources) > 0 {
					from = e.nameList(sources)
				}
				h := Hit{Targets: []string{c.ID},
					Detail: fmt.Sprintf("%s %s with text from %s, which can carry instructions that override its own.",
						e.Name(c.ID), uses, from)}
				sensitive := e.classifiedAmong(2, c.Stores, c.Processes)
				if len(sensitive) > 0 {
					h.Impact = 4
					h.Detail += fmt.Sprintf(" It could be made to disclose %s.", e.nameList(sensitive))
				}
				if len(tools) > 0 {
					h.Impact = 4
					h.Detail += fmt.Sprintf(" It can act on %s.", e.nameList(tools))
				}
				emit(h)
			}
		},
	})
}

// languageModel reports whether a component's technology names a large language model or an LLM framework.
func languageModel(c *model.Component) bool {
	return c.Technology != "" && TechIs(c, "llm", "gpt", "openai", "anthropic", "claude", "gemini", "llama",
		"mistral", "bedrock", "vertex ai", "langchain", "llamaindex", "ollama", "hugging face")
}
