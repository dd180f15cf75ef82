package threats

import "testing"

func TestWrongCommunicationLinkContent(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: d, classification: internal}
trust_boundaries:
  - {id: n1, type: network-segment}
components:
  - {id: a, type: service}
  - {id: b, type: service, trust_boundary: n1}
  - {id: disk, type: file-storage}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"inconsistent flows", `
  - {id: ro, from: a, to: b, protocol: https, readonly: true, data_sent: [d]}
  - {id: rw, from: a, to: b, protocol: https, data_received: [d]}
  - {id: lf, from: a, to: b, protocol: local-file, data_sent: [d]}
  - {id: ip, from: a, to: b, protocol: in-process, data_sent: [d]}
`, []string{"wrong-communication-link-content@ip", "wrong-communication-link-content@lf", "wrong-communication-link-content@ro", "wrong-communication-link-content@rw"}},
		{"consistent flows", `
  - {id: ro, from: a, to: b, protocol: https, readonly: true, data_received: [d]}
  - {id: rw, from: a, to: b, protocol: https, data_sent: [d], data_received: [d]}
  - {id: lf, from: a, to: disk, protocol: local-file, data_sent: [d]}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "wrong-communication-link-content", base+tt.flows, tt.want...) })
	}
}
