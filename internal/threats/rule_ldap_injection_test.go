package threats

import "testing"

func TestLDAPInjection(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: dir, type: identity-store, technology: openldap}
  - {id: admin, type: browser, out_of_scope: true}
`
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"service queries LDAP", "  - {id: app, type: service}\nflows:\n  - {id: f, from: app, to: dir, protocol: ldaps}\n", []string{"ldap-injection@f"}, ""},
		{"out of scope caller", "flows:\n  - {id: f, from: admin, to: dir, protocol: ldap}\n", nil, ""},
		{"other protocol", "  - {id: app, type: service}\nflows:\n  - {id: f, from: app, to: dir, protocol: https}\n", nil, ""},
		{"input validation in place", "  - {id: app, type: service}\nflows:\n  - {id: f, from: app, to: dir, protocol: ldap, controls: [input-validation]}\n",
			[]string{"ldap-injection@f"}, "input-validation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, "ldap-injection", head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, "ldap-injection", head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, "ldap-injection", head+tests[0].model, "ldap-injection@f", "'app'", "'dir'")
}
