package threats

import "testing"

func TestSecretsInCICD(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: orders, name: Orders, classification: confidential}
components:
  - {id: api, name: Order API, type: api, processes: [orders]}
`
	runRuleCases(t, "secrets-in-ci-cd", []ruleCase{
		{name: "pipeline deploying to a sensitive service",
			src: head + `  - {id: ci, name: CI, type: build-pipeline}
flows:
  - {id: deploy, from: ci, to: api, protocol: https, usage: devops}
`,
			want:   []string{"secrets-in-ci-cd@ci"},
			detail: map[string][]string{"secrets-in-ci-cd@ci": {"CI", "Order API"}}},
		{name: "process running Jenkins",
			src:  head + "  - {id: build, type: process, technology: Jenkins LTS}\n",
			want: []string{"secrets-in-ci-cd@build"}},
		{name: "vault in place",
			src:     head + "  - {id: ci, type: build-pipeline, controls: [secrets-vault, sast]}\n",
			want:    []string{"secrets-in-ci-cd@ci"},
			inPlace: map[string][]string{"secrets-in-ci-cd@ci": {"secrets-vault"}}},
		{name: "no pipeline", src: head},
		{name: "pipeline out of scope", src: head + "  - {id: ci, type: build-pipeline, out_of_scope: true}\n"},
	})
}

func TestSecretsInCICDImpact(t *testing.T) {
	r, _ := Lookup("secrets-in-ci-cd")
	m := load(t, `
rampart: 1
system: {id: s, name: S}
data:
  - {id: orders, classification: confidential}
components:
  - {id: api, type: api, processes: [orders]}
  - {id: web, type: web-server}
  - {id: a, type: build-pipeline}
  - {id: b, type: build-pipeline}
flows:
  - {id: f1, from: a, to: api, protocol: https}
  - {id: f2, from: b, to: web, protocol: https}
`)
	want := map[string]int{"secrets-in-ci-cd@a": 5, "secrets-in-ci-cd@b": 4}
	got := Identify(m, []Rule{r})
	if len(got) != len(want) {
		t.Fatalf("got %d threats, want %d", len(got), len(want))
	}
	for _, th := range got {
		if th.Impact != want[th.ID] {
			t.Errorf("%s: impact %d, want %d", th.ID, th.Impact, want[th.ID])
		}
	}
	if got[0].ID != "secrets-in-ci-cd@a" || len(got[0].Data) != 1 || got[0].Data[0] != "orders" {
		t.Errorf("data at stake of %s: %v, want [orders]", got[0].ID, got[0].Data)
	}
}
