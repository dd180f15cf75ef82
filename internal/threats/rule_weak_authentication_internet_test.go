package threats

import "testing"

func TestWeakAuthenticationInternet(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: accounts, name: Account balances, classification: confidential}
components:
`
	runRuleCases(t, "weak-authentication-internet", []ruleCase{
		{name: "password login on an internet-facing portal",
			src:    head + "  - {id: portal, name: Customer portal, type: web-application, internet_facing: true, human_use: true, authentication: password, processes: [accounts]}\n",
			want:   []string{"weak-authentication-internet@portal"},
			detail: map[string][]string{"weak-authentication-internet@portal": {"Customer portal", "password", "Account balances"}}},
		{name: "session login",
			src:  head + "  - {id: forum, type: web-application, internet_facing: true, human_use: true, authentication: session}\n",
			want: []string{"weak-authentication-internet@forum"}},
		{name: "mfa control in place",
			src:     head + "  - {id: portal, type: web-application, internet_facing: true, human_use: true, authentication: password, controls: [mfa]}\n",
			want:    []string{"weak-authentication-internet@portal"},
			inPlace: map[string][]string{"weak-authentication-internet@portal": {"mfa"}}},
		{name: "mfa authentication", src: head + "  - {id: portal, type: web-application, internet_facing: true, human_use: true, authentication: mfa}\n"},
		{name: "federated login", src: head + "  - {id: portal, type: web-application, internet_facing: true, human_use: true, authentication: oidc}\n"},
		{name: "internal application", src: head + "  - {id: portal, type: web-application, human_use: true, authentication: password}\n"},
		{name: "admin interface is left to admin-interface-without-mfa", src: head + "  - {id: portal, type: web-application, internet_facing: true, human_use: true, admin_interface: true, authentication: password}\n"},
	})
}
