package builtin

import (
	"context"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// TestAIExample runs the library on the AI example model (a RAG assistant
// with an agent, tools and a vector store) and checks that the AI rules
// raise their threats on the part of the system each is about: prompt
// injection and agency on the agent, not on the chat front end; poisoning on
// the vector store and the training pipeline; tampering on the registry.
func TestAIExample(t *testing.T) {
	const path = "../../../examples/rag-assistant/rampart.yaml"
	m, problems, err := model.Load(context.Background(), path, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("example is invalid: %v", errs)
	}
	found := map[string]threats.Threat{}
	for _, th := range threats.Identify(m, Rules()) {
		found[th.ID] = th
	}
	for _, id := range []string{
		"llm-prompt-injection@agent", "llm-indirect-prompt-injection@agent", "llm-excessive-agency@agent", "agent-data-exfiltration@agent",
		"agent-memory-poisoning@agent", "agent-credential-exposure@agent", "llm-system-prompt-leakage@agent",
		"llm-misinformation@agent", "rag-poisoning@vectors", "training-data-poisoning@training",
		"dataset-supply-chain@training", "model-registry-tampering@registry", "unsafe-model-deserialization@inference",
		"training-data-leakage@inference+training", "ai-tool-excessive-permissions@crm-tool", "model-extraction@inference",
		"linddun-personal-data-to-ai@read-corpus", "linddun-unaware-collection@chat",
	} {
		if _, ok := found[id]; !ok {
			t.Errorf("no %s", id)
		}
	}
	atlas := 0
	for id, th := range found {
		if strings.HasSuffix(id, "@chat") && (th.Rule == "llm-prompt-injection" || th.Rule == "llm-excessive-agency" ||
			th.Rule == "llm-indirect-prompt-injection") {
			t.Errorf("%s: the chat front end is not the language-model component", id)
		}
		for _, ref := range th.ATTACK {
			if strings.HasPrefix(ref.ID, "AML.") && ref.Name != "" && strings.HasPrefix(ref.URL, "https://atlas.mitre.org/") {
				atlas++
			}
		}
	}
	if atlas == 0 {
		t.Error("no threat names a MITRE ATLAS technique")
	}
	if _, ok := found["llm-prompt-injection@inference"]; ok {
		t.Error("prompt injection raised on the model behind the agent")
	}
	// The chat app has the controls that answer output rendering: quiet.
	if _, ok := found["llm-output-rendering@chat"]; ok {
		t.Error("llm-output-rendering raised on a chat app with output encoding")
	}
}
