package threats

import "testing"

func TestUnnecessaryCommunicationLink(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: d, classification: internal}
components:
  - {id: a, type: service}
  - {id: b, type: database}
  - {id: x, type: user, out_of_scope: true}
  - {id: y, type: third-party-service, out_of_scope: true}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"empty flow", "  - {id: f, from: a, to: b, protocol: jdbc}\n", []string{"unnecessary-communication-link@f"}},
		{"flows with data, or outside the scope", "  - {id: f, from: a, to: b, protocol: jdbc, data_received: [d]}\n  - {id: g, from: x, to: y, protocol: https}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unnecessary-communication-link", base+tt.flows, tt.want...) })
	}
}
