package threats

import "testing"

func TestMissingIdentityProviderIsolation(t *testing.T) {
	const rule = "missing-identity-provider-isolation"
	const head = "rampart: 1\nsystem: {id: s, name: S}\n"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"IdP next to a web application",
			"trust_boundaries:\n  - {id: net, type: network-segment, contains: [idp, web]}\ncomponents:\n  - {id: idp, type: identity-provider}\n  - {id: web, type: web-application}\n",
			[]string{rule + "@idp"}, ""},
		{"same execution environment inside a segment",
			"trust_boundaries:\n  - {id: net, type: vpc, contains: [host]}\n  - {id: host, type: execution-environment, contains: [dir, app]}\ncomponents:\n  - {id: dir, type: identity-store}\n  - {id: app, type: service}\n",
			[]string{rule + "@dir"}, ""},
		{"own segment",
			"trust_boundaries:\n  - {id: auth, type: network-segment, contains: [idp, dir]}\n  - {id: apps, type: network-segment, contains: [web]}\ncomponents:\n  - {id: idp, type: identity-provider}\n  - {id: dir, type: identity-store}\n  - {id: web, type: web-application}\n",
			nil, ""},
		{"only a load balancer alongside",
			"trust_boundaries:\n  - {id: net, type: network-segment, contains: [idp, lb]}\ncomponents:\n  - {id: idp, type: identity-provider}\n  - {id: lb, type: load-balancer}\n",
			nil, ""},
		{"isolation control in place",
			"trust_boundaries:\n  - {id: net, type: network-segment, contains: [idp, web]}\ncomponents:\n  - {id: idp, type: identity-provider, controls: [idp-isolation]}\n  - {id: web, type: web-application}\n",
			[]string{rule + "@idp"}, "idp-isolation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, rule, head+tests[1].model, rule+"@dir", "'dir'", "'app'", "execution environment")
}
