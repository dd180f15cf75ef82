package threats

import "testing"

func TestContainerPlatformEscape(t *testing.T) {
	const head = "rampart: 1\nsystem: {id: s, name: S}\ndata:\n  - {id: pii, classification: restricted}\ncomponents:\n"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"kubernetes cluster", "  - {id: k8s, type: container-platform}\n", []string{"container-platform-escape@k8s"}, ""},
		{"platform by technology", "  - {id: k8s, type: process, technology: OpenShift}\n", []string{"container-platform-escape@k8s"}, ""},
		{"ordinary service", "  - {id: api, type: api, hosting: container}\n", nil, ""},
		{"out of scope platform", "  - {id: k8s, type: container-platform, out_of_scope: true}\n", nil, ""},
		{"hardening in place", "  - {id: k8s, type: container-platform, controls: [container-hardening]}\n", []string{"container-platform-escape@k8s"}, "container-hardening"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, "container-platform-escape", head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, "container-platform-escape", head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	hosted := head + "  - {id: k8s, type: container-platform, runtime: prod}\n  - {id: api, type: api, hosting: container, runtime: prod, processes: [pii]}\n"
	expectDetail(t, "container-platform-escape", hosted, "container-platform-escape@k8s", "'k8s'", "'api'")
	if th := findThreat(t, "container-platform-escape", hosted, "container-platform-escape@k8s"); len(th.Data) != 1 || th.Data[0] != "pii" {
		t.Errorf("data at stake = %v, want the hosted workload's [pii]", th.Data)
	}
}
