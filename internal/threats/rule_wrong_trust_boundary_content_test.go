package threats

import "testing"

func TestWrongTrustBoundaryContent(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
trust_boundaries:
  - {id: ns, type: container}
  - {id: net, type: network-segment}
components:
`
	tests := []struct {
		name, comps string
		want        []string
	}{
		{"virtual machine and external entity in a namespace", `
  - {id: vm, type: service, hosting: cloud-iaas, trust_boundary: ns}
  - {id: partner, type: third-party-service, trust_boundary: ns}
`, []string{"wrong-trust-boundary-content@partner", "wrong-trust-boundary-content@vm"}},
		{"containers in a namespace, VM in a network", `
  - {id: pod, type: service, hosting: container, trust_boundary: ns}
  - {id: fn, type: serverless-function, hosting: serverless, trust_boundary: ns}
  - {id: vm, type: service, hosting: cloud-iaas, trust_boundary: net}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "wrong-trust-boundary-content", base+tt.comps, tt.want...) })
	}
}
