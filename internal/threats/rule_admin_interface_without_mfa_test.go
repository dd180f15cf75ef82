package threats

import "testing"

func TestAdminInterfaceWithoutMFA(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
components:
`
	runRuleCases(t, "admin-interface-without-mfa", []ruleCase{
		{name: "admin console with password login",
			src:    head + "  - {id: admin, name: Back office, type: web-application, admin_interface: true, authentication: password}\n",
			want:   []string{"admin-interface-without-mfa@admin"},
			detail: map[string][]string{"admin-interface-without-mfa@admin": {"Back office", "password"}}},
		{name: "internet-facing admin console without declared authentication",
			src:    head + "  - {id: admin, type: web-application, admin_interface: true, internet_facing: true}\n",
			want:   []string{"admin-interface-without-mfa@admin"},
			detail: map[string][]string{"admin-interface-without-mfa@admin": {"internet", "no authentication declared"}}},
		{name: "admin-mfa control in place",
			src:     head + "  - {id: admin, type: web-application, admin_interface: true, authentication: oidc, controls: [admin-mfa]}\n",
			want:    []string{"admin-interface-without-mfa@admin"},
			inPlace: map[string][]string{"admin-interface-without-mfa@admin": {"admin-mfa"}}},
		{name: "mfa authentication", src: head + "  - {id: admin, type: web-application, admin_interface: true, authentication: mfa}\n"},
		{name: "certificate authentication", src: head + "  - {id: admin, type: api, admin_interface: true, authentication: client-certificate}\n"},
		{name: "no admin interface", src: head + "  - {id: web, type: web-application, authentication: password}\n"},
	})
}
