package threats

import "testing"

func TestPersonalDataToThirdParty(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: email, name: E-mail address, classification: internal, personal: true}
  - {id: status, name: Delivery status, classification: internal}
components:
  - {id: shop, name: Shop, type: api}
  - {id: mailer, name: Mail provider, type: third-party-service}
  - {id: customer, type: user}
flows:
`
	runRuleCases(t, "personal-data-to-third-party", []ruleCase{
		{name: "personal data sent to a third-party service",
			src:    head + "  - {id: send, name: Send mail, from: shop, to: mailer, protocol: https, data_sent: [email, status]}\n",
			want:   []string{"personal-data-to-third-party@send"},
			detail: map[string][]string{"personal-data-to-third-party@send": {"Send mail", "E-mail address", "Mail provider"}}},
		{name: "personal data returned to a third party calling in",
			src:  head + "  - {id: hook, from: mailer, to: shop, protocol: https, data_received: [email]}\n",
			want: []string{"personal-data-to-third-party@hook"}},
		{name: "pseudonymisation in place on the flow",
			src:     head + "  - {id: send, from: shop, to: mailer, protocol: https, data_sent: [email], controls: [pseudonymization]}\n",
			want:    []string{"personal-data-to-third-party@send"},
			inPlace: map[string][]string{"personal-data-to-third-party@send": {"pseudonymization"}}},
		{name: "personal data received from a third party", src: head + "  - {id: hook, from: mailer, to: shop, protocol: https, data_sent: [email]}\n"},
		{name: "only non-personal data shared", src: head + "  - {id: send, from: shop, to: mailer, protocol: https, data_sent: [status]}\n"},
		{name: "personal data shown to the user", src: head + "  - {id: view, from: customer, to: shop, protocol: https, data_received: [email]}\n"},
	})
}
