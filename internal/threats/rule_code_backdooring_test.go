package threats

import "testing"

func TestCodeBackdooring(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: code, classification: internal, cia: {integrity: critical}}
components:
  - {id: dev, type: user, internet_facing: true}
`
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"repository written to from the internet",
			"  - {id: repo, type: source-repository, stores: [code]}\nflows:\n  - {id: push, from: dev, to: repo, protocol: ssh}\n",
			[]string{"code-backdooring@repo"}, ""},
		{"internet-facing pipeline",
			"  - {id: ci, type: build-pipeline, internet_facing: true}\n",
			[]string{"code-backdooring@ci"}, ""},
		{"access over a VPN",
			"  - {id: repo, type: source-repository}\nflows:\n  - {id: push, from: dev, to: repo, protocol: ssh, vpn: true}\n",
			nil, ""},
		{"internal caller only",
			"  - {id: lap, type: desktop-app}\n  - {id: repo, type: source-repository}\nflows:\n  - {id: push, from: lap, to: repo, protocol: ssh}\n",
			nil, ""},
		{"signed artifacts in place",
			"  - {id: ci, type: build-pipeline, internet_facing: true, controls: [signed-artifacts]}\n",
			[]string{"code-backdooring@ci"}, "signed-artifacts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, "code-backdooring", head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, "code-backdooring", head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, "code-backdooring", head+tests[0].model, "code-backdooring@repo", "'repo'", "'dev'")
}
