package threats

import "testing"

func TestPersonalDataUnencryptedInTransit(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: email, name: E-mail address, classification: internal, personal: true}
  - {id: stock, classification: internal}
trust_boundaries:
  - {id: dmz, type: network-segment, contains: [web]}
  - {id: core, type: network-segment, contains: [api, db]}
components:
  - {id: user, name: Customer, type: user}
  - {id: web, name: Web, type: web-server}
  - {id: api, name: API, type: api}
  - {id: db, name: DB, type: database, stores: [email]}
flows:
`
	runRuleCases(t, "personal-data-unencrypted-in-transit", []ruleCase{
		{name: "plain http from the user",
			src:    head + "  - {id: signup, name: Sign-up, from: user, to: web, protocol: http, data_sent: [email]}\n",
			want:   []string{"personal-data-unencrypted-in-transit@signup"},
			detail: map[string][]string{"personal-data-unencrypted-in-transit@signup": {"Sign-up", "E-mail address", "Customer", "http"}}},
		{name: "unencrypted link across a network boundary, data returned",
			src:  head + "  - {id: fetch, from: web, to: api, protocol: grpc, data_received: [email]}\n",
			want: []string{"personal-data-unencrypted-in-transit@fetch"}},
		{name: "tls control in place",
			src:     head + "  - {id: fetch, from: web, to: api, protocol: grpc, data_received: [email], controls: [tls]}\n",
			want:    []string{"personal-data-unencrypted-in-transit@fetch"},
			inPlace: map[string][]string{"personal-data-unencrypted-in-transit@fetch": {"tls"}}},
		{name: "https", src: head + "  - {id: signup, from: user, to: web, protocol: https, data_sent: [email]}\n"},
		{name: "vpn", src: head + "  - {id: fetch, from: web, to: api, protocol: grpc, vpn: true, data_received: [email]}\n"},
		{name: "inside one boundary", src: head + "  - {id: save, from: api, to: db, protocol: sql, data_sent: [email]}\n"},
		{name: "no personal data", src: head + "  - {id: fetch, from: web, to: api, protocol: http, data_received: [stock]}\n"},
	})
}
