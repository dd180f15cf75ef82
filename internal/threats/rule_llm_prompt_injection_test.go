package threats

import "testing"

func TestLLMPromptInjection(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: tickets, name: Support tickets, classification: confidential}
components:
  - {id: customer, name: Customer, type: user}
  - {id: llm, name: Hosted model, type: third-party-service, technology: OpenAI GPT-4o}
  - {id: crm, name: CRM, type: api}
`
	runRuleCases(t, "llm-prompt-injection", []ruleCase{
		{name: "chat assistant calling a hosted model with customer input and a tool",
			src: head + `  - {id: bot, name: Support assistant, type: service, processes: [tickets]}
flows:
  - {id: ask, from: customer, to: bot, protocol: https}
  - {id: complete, from: bot, to: llm, protocol: https}
  - {id: lookup, from: bot, to: crm, protocol: https}
`,
			want: []string{"llm-prompt-injection@bot"},
			detail: map[string][]string{"llm-prompt-injection@bot": {"Support assistant", "Hosted model", "Customer",
				"Support tickets", "CRM"}}},
		{name: "internet-facing process running a model itself",
			src:  head + "  - {id: chat, type: web-application, technology: Llama 3 via Ollama, internet_facing: true}\n",
			want: []string{"llm-prompt-injection@chat"}},
		{name: "guardrails in place",
			src:     head + "  - {id: chat, type: web-application, technology: langchain, internet_facing: true, controls: [llm-guardrails]}\n",
			want:    []string{"llm-prompt-injection@chat"},
			inPlace: map[string][]string{"llm-prompt-injection@chat": {"llm-guardrails"}}},
		{name: "internal batch job using a model on trusted input", src: head + `  - {id: job, type: batch-job}
flows:
  - {id: complete, from: job, to: llm, protocol: https}
`},
		{name: "internet-facing process without a model", src: head + "  - {id: web, type: web-application, technology: nginx, internet_facing: true}\n"},
	})
}
