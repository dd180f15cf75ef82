package threats

import "testing"

func TestDoSRiskyAccessAcrossTrustBoundary(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: orders, classification: internal, cia: {availability: critical}}
  - {id: docs, classification: internal, cia: {availability: low}}
trust_boundaries:
  - {id: office, type: network-on-premises, contains: [clerk]}
  - {id: dc, type: network-segment, contains: [lb, app]}
components:
  - {id: clerk, type: desktop-app, human_use: true}
  - {id: lb, type: load-balancer, processes: [orders]}
`
	const rule = "dos-risky-access-across-trust-boundary"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"direct access across a boundary",
			"  - {id: app, type: service, processes: [orders]}\nflows:\n  - {id: f, from: clerk, to: app, protocol: https}\n",
			[]string{rule + "@f"}, ""},
		{"through a load balancer",
			"  - {id: app, type: service, processes: [orders]}\nflows:\n  - {id: up, from: clerk, to: lb, protocol: https}\n  - {id: fwd, from: lb, to: app, protocol: http}\n",
			[]string{rule + "@up+fwd"}, ""},
		{"availability not critical",
			"  - {id: app, type: service, processes: [docs]}\nflows:\n  - {id: f, from: clerk, to: app, protocol: https}\n",
			nil, ""},
		{"devops access",
			"  - {id: app, type: service, processes: [orders]}\nflows:\n  - {id: f, from: clerk, to: app, protocol: https, usage: devops}\n",
			nil, ""},
		{"rate limiting in place",
			"  - {id: app, type: service, processes: [orders], controls: [rate-limiting]}\nflows:\n  - {id: f, from: clerk, to: app, protocol: https}\n",
			[]string{rule + "@f"}, "rate-limiting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, rule, head+tests[1].model, rule+"@up+fwd", "'clerk'", "'app'", "'lb'")
}
