package threats

import "testing"

func TestMissingRateLimiting(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: user, name: Customer, type: user}
`
	runRuleCases(t, "missing-rate-limiting", []ruleCase{
		{name: "internet-facing api called by users",
			src: head + `  - {id: api, name: Public API, type: api, internet_facing: true}
flows:
  - {id: f, from: user, to: api, protocol: https}
  - {id: g, from: user, to: api, protocol: wss}
`,
			want:   []string{"missing-rate-limiting@api"},
			detail: map[string][]string{"missing-rate-limiting@api": {"Public API", "Customer"}}},
		{name: "internet-facing process without modelled callers",
			src:  head + "  - {id: web, type: web-server, internet_facing: true}\n",
			want: []string{"missing-rate-limiting@web"}},
		{name: "rate limiting in place",
			src:     head + "  - {id: web, type: web-server, internet_facing: true, controls: [rate-limiting, tls]}\n",
			want:    []string{"missing-rate-limiting@web"},
			inPlace: map[string][]string{"missing-rate-limiting@web": {"rate-limiting"}}},
		{name: "behind a gateway", src: head + `  - {id: gw, type: api-gateway, internet_facing: true, controls: [rate-limiting]}
  - {id: api, type: api, internet_facing: true}
flows:
  - {id: f, from: user, to: gw, protocol: https}
  - {id: g, from: gw, to: api, protocol: https}
`, want: []string{"missing-rate-limiting@gw"}},
		{name: "internal service", src: head + "  - {id: api, type: api}\n"},
		{name: "internet-facing datastore", src: head + "  - {id: bucket, type: object-storage, internet_facing: true}\n"},
	})
}
