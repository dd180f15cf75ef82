package threats

import "testing"

func TestAdminInterfaceExposed(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: ops, name: Operator, type: user}
`
	runRuleCases(t, "admin-interface-exposed", []ruleCase{
		{name: "internet-facing admin interface",
			src:    head + "  - {id: admin, name: Admin UI, type: web-application, admin_interface: true, internet_facing: true}\n",
			want:   []string{"admin-interface-exposed@admin"},
			detail: map[string][]string{"admin-interface-exposed@admin": {"Admin UI", "internet"}}},
		{name: "external entity calls the admin interface directly",
			src: head + `  - {id: admin, type: web-application, admin_interface: true}
flows:
  - {id: f, from: ops, to: admin, protocol: https}
`,
			want:   []string{"admin-interface-exposed@admin"},
			detail: map[string][]string{"admin-interface-exposed@admin": {"Operator"}}},
		{name: "ip allow-list in place",
			src:     head + "  - {id: admin, type: web-application, admin_interface: true, internet_facing: true, controls: [ip-allowlist]}\n",
			want:    []string{"admin-interface-exposed@admin"},
			inPlace: map[string][]string{"admin-interface-exposed@admin": {"ip-allowlist"}}},
		{name: "reached over a VPN",
			src: head + `  - {id: admin, type: web-application, admin_interface: true}
flows:
  - {id: f, from: ops, to: admin, protocol: https, vpn: true}
`},
		{name: "operator inside the same network",
			src: head + `  - {id: admin, type: web-application, admin_interface: true}
trust_boundaries:
  - {id: corp, type: network-on-premises, contains: [ops, admin]}
flows:
  - {id: f, from: ops, to: admin, protocol: https}
`},
		{name: "operator in another network",
			src: head + `  - {id: admin, type: web-application, admin_interface: true, trust_boundary: dc}
trust_boundaries:
  - {id: corp, type: network-on-premises, contains: [ops]}
  - {id: dc, type: network-segment}
flows:
  - {id: f, from: ops, to: admin, protocol: https}
`,
			want: []string{"admin-interface-exposed@admin"}},
		{name: "internal admin interface", src: head + "  - {id: admin, type: web-application, admin_interface: true}\n"},
		{name: "internet-facing without admin interface", src: head + "  - {id: web, type: web-application, internet_facing: true}\n"},
	})
}
