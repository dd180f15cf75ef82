package threats

import "testing"

func TestMissingIdentityStore(t *testing.T) {
	const rule = "missing-identity-store"
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: acct, classification: confidential}
components:
  - {id: user, type: browser, human_use: true}
  - {id: web, type: web-application}
  - {id: api, type: api, processes: [acct]}
`
	tests := []struct {
		name  string
		model string
		want  []string
	}{
		{"end-user authorization without a store",
			"flows:\n  - {id: f1, from: user, to: web, protocol: https, authentication: oidc, authorization: enduser}\n  - {id: f2, from: web, to: api, protocol: https, authentication: jwt, authorization: enduser}\n",
			[]string{rule + "@api"}},
		{"identity store modelled",
			"  - {id: dir, type: identity-store}\nflows:\n  - {id: f1, from: user, to: web, protocol: https, authentication: oidc, authorization: enduser}\n",
			nil},
		{"SaaS identity provider keeps the accounts",
			"  - {id: idp, type: identity-provider, hosting: cloud-saas}\nflows:\n  - {id: f1, from: user, to: web, protocol: https, authentication: oidc, authorization: enduser}\n",
			nil},
		{"own identity provider without a store",
			"  - {id: idp, type: identity-provider}\nflows:\n  - {id: f1, from: user, to: web, protocol: https, authentication: oidc, authorization: enduser}\n",
			[]string{rule + "@web"}},
		{"no end-user authorization",
			"flows:\n  - {id: f1, from: web, to: api, protocol: https, authentication: token, authorization: technical-user}\n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, rule, head+tt.model, tt.want...) })
	}
	expectDetail(t, rule, head+tests[0].model, rule+"@api", "'api' and 1 other component")
}
