package threats

import "testing"

func TestUncheckedDeployment(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"pipeline and repository", `
rampart: 1
system: {id: s, name: S}
data:
  - {id: code, classification: internal, cia: {integrity: critical}}
components:
  - {id: ci, type: build-pipeline}
  - {id: git, type: service, technology: gitlab}
  - {id: web, type: web-server}
flows:
  - {id: deploy, from: ci, to: web, protocol: ssh, usage: devops, data_sent: [code]}
`, []string{"unchecked-deployment@ci", "unchecked-deployment@git"}},
		{"no development components", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: web, type: web-server}
  - {id: ci, type: build-pipeline, out_of_scope: true}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unchecked-deployment", tt.src, tt.want...) })
	}
	t.Run("static analysis in the pipeline", func(t *testing.T) {
		rbMitigated(t, "unchecked-deployment", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: ci, type: build-pipeline, controls: [sast]}
`, "unchecked-deployment@ci", "sast")
	})
}
