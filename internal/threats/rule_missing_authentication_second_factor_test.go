package threats

import "testing"

func TestMissingAuthenticationSecondFactor(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: acct, classification: restricted}
  - {id: news, classification: public}
components:
  - {id: staff, type: browser, human_use: true, out_of_scope: true}
  - {id: lb, type: load-balancer}
`
	const rule = "missing-authentication-second-factor"
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"person sends confidential data with a password",
			"  - {id: app, type: web-application, processes: [acct]}\nflows:\n  - {id: f, from: staff, to: app, protocol: https, authentication: password, data_sent: [acct]}\n",
			[]string{rule + "@f"}, ""},
		{"through a load balancer",
			"  - {id: app, type: web-application, processes: [acct]}\nflows:\n  - {id: up, from: staff, to: lb, protocol: https, authentication: session, data_sent: [acct]}\n  - {id: fwd, from: lb, to: app, protocol: http, data_sent: [acct]}\n",
			[]string{rule + "@up+fwd"}, ""},
		{"second factor on the flow",
			"  - {id: app, type: web-application, processes: [acct]}\nflows:\n  - {id: f, from: staff, to: app, protocol: https, authentication: mfa, data_sent: [acct]}\n",
			nil, ""},
		{"public data only",
			"  - {id: app, type: web-application, processes: [news]}\nflows:\n  - {id: f, from: staff, to: app, protocol: https, authentication: password, data_sent: [news]}\n",
			nil, ""},
		{"web application used by people calls its database",
			"  - {id: app, type: web-application, human_use: true}\n  - {id: db, type: database, stores: [acct]}\nflows:\n  - {id: f, from: app, to: db, protocol: jdbc, authentication: password, data_sent: [acct]}\n",
			nil, ""},
		{"MFA control in place",
			"  - {id: app, type: web-application, processes: [acct], controls: [mfa]}\nflows:\n  - {id: f, from: staff, to: app, protocol: https, authentication: password, data_sent: [acct]}\n",
			[]string{rule + "@f"}, "mfa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, rule, head+tests[1].model, rule+"@up+fwd", "'staff'", "'app'", "'lb'")
}
