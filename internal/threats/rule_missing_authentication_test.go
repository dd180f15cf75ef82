package threats

import "testing"

func TestMissingAuthentication(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: confidential}
components:
  - {id: user, type: user}
  - {id: web, type: web-application, internet_facing: true, processes: [pii], trust_boundary: dmz}
  - {id: files, type: file-storage, stores: [pii], trust_boundary: dmz}
trust_boundaries:
  - {id: dmz, type: network-segment}
flows:
`
	tests := []struct {
		name string
		flow string
		want []string
	}{
		{"unauthenticated flow into a process with confidential data", "  - {id: f, from: user, to: web, protocol: https, data_sent: [pii]}\n", []string{"missing-authentication@f"}},
		{"authenticated flow", "  - {id: f, from: user, to: web, protocol: https, authentication: oidc, data_sent: [pii]}\n", nil},
		{"unauthenticated flow into a data store with confidential data", "  - {id: f, from: user, to: web, protocol: https, authentication: oidc}\n  - {id: g, from: web, to: files, protocol: nfs}\n", []string{"missing-authentication@g"}},
		{"unauthenticated flow to an external entity", "  - {id: f, from: web, to: user, protocol: https, data_sent: [pii]}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "missing-authentication", base+tt.flow, tt.want...) })
	}
}
