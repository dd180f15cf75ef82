package threats

import "testing"

func TestUnguardedAccessFromInternet(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: code, classification: internal, cia: {integrity: critical}}
trust_boundaries:
  - {id: corp, type: network-on-premises}
components:
  - {id: dev, type: user, internet_facing: true}
  - {id: anon, type: user}
  - {id: admin, type: user, trust_boundary: corp}
  - {id: git, type: source-repository, stores: [code], trust_boundary: corp}
  - {id: web, type: web-server, processes: [code], trust_boundary: corp}
  - {id: app, type: web-application, custom_code: true, processes: [code], trust_boundary: corp}
  - {id: lb, type: load-balancer, processes: [code], trust_boundary: corp}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"internet clients reach a repository and custom code", `
  - {id: push, from: dev, to: git, protocol: ssh}
  - {id: ui, from: anon, to: app, protocol: https}
`, []string{"unguarded-access-from-internet@push", "unguarded-access-from-internet@ui"}},
		{"guarded or exempt", `
  - {id: a, from: dev, to: web, protocol: https}
  - {id: b, from: dev, to: lb, protocol: https}
  - {id: c, from: dev, to: git, protocol: ssh, vpn: true}
  - {id: d, from: admin, to: git, protocol: ssh}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unguarded-access-from-internet", base+tt.flows, tt.want...) })
	}
	t.Run("encapsulated behind a gateway", func(t *testing.T) {
		rbMitigated(t, "unguarded-access-from-internet", base+"  - {id: push, from: dev, to: git, protocol: ssh, controls: [service-encapsulation]}\n",
			"unguarded-access-from-internet@push", "service-encapsulation")
	})
}
