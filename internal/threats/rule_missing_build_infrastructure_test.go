package threats

import "testing"

func TestMissingBuildInfrastructure(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: confidential}
components:
  - {id: app, type: web-application, custom_code: true, processes: [pii]}
  - {id: job, type: batch-job, custom_code: true}
`
	const rule = "missing-build-infrastructure"
	const full = "  - {id: repo, type: source-repository}\n  - {id: ci, type: build-pipeline}\n  - {id: dev, type: desktop-app, human_use: true}\n" +
		"flows:\n  - {id: push, from: dev, to: repo, protocol: ssh, usage: devops}\n"
	tests := []struct {
		name  string
		model string
		want  []string
	}{
		{"no build infrastructure", "", []string{rule + "@app"}},
		{"repository only", "  - {id: repo, type: source-repository}\n", []string{rule + "@app"}},
		{"complete build infrastructure", full, nil},
		{"out-of-scope custom code is not pointed at",
			"  - {id: x, type: service, custom_code: true, out_of_scope: true}\n",
			[]string{rule + "@app"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, rule, head+tt.model, tt.want...) })
	}
	noCustom := "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n  - {id: app, type: web-application}\n"
	expectHits(t, rule, noCustom, []string{}...)
	expectDetail(t, rule, head, rule+"@app", "'app'", "'job'", "a source code repository, a build pipeline and a developer client")
	withControl := "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n  - {id: app, type: web-application, custom_code: true, controls: [code-review]}\n"
	expectInPlace(t, rule, withControl, rule+"@app", "code-review")
}
