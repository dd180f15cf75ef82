package threats

import "testing"

func TestMissingIdentityPropagation(t *testing.T) {
	const rule = "missing-identity-propagation"
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: acct, classification: confidential}
  - {id: news, classification: public}
components:
  - {id: web, type: web-server}
  - {id: db, type: database}
`
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"technical user into an API with confidential data",
			"  - {id: api, type: api, processes: [acct]}\nflows:\n  - {id: f, from: web, to: api, protocol: https, authentication: token, authorization: technical-user}\n",
			[]string{rule + "@f"}, ""},
		{"end-user identity propagated",
			"  - {id: api, type: api, processes: [acct]}\nflows:\n  - {id: f, from: web, to: api, protocol: https, authentication: jwt, authorization: enduser}\n",
			nil, ""},
		{"role-based authorization of the user",
			"  - {id: api, type: api, processes: [acct]}\nflows:\n  - {id: f, from: web, to: api, protocol: https, authentication: jwt, authorization: rbac}\n",
			nil, ""},
		{"unauthenticated flow",
			"  - {id: api, type: api, processes: [acct]}\nflows:\n  - {id: f, from: web, to: api, protocol: https}\n",
			nil, ""},
		{"devops access with a technical user",
			"  - {id: api, type: api, processes: [acct]}\nflows:\n  - {id: f, from: web, to: api, protocol: https, authentication: token, authorization: technical-user, usage: devops}\n",
			nil, ""},
		{"public data only",
			"  - {id: api, type: api, processes: [news]}\nflows:\n  - {id: f, from: web, to: api, protocol: https, authentication: token, authorization: technical-user}\n",
			nil, ""},
		{"caller is a data store",
			"  - {id: api, type: api, processes: [acct]}\nflows:\n  - {id: f, from: db, to: api, protocol: https, authentication: token, authorization: technical-user}\n",
			nil, ""},
		{"access control in place",
			"  - {id: api, type: api, processes: [acct], controls: [access-control]}\nflows:\n  - {id: f, from: web, to: api, protocol: https, authentication: token, authorization: technical-user}\n",
			[]string{rule + "@f"}, "access-control"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, rule, head+tests[0].model, rule+"@f", "'web'", "'api'")
}
