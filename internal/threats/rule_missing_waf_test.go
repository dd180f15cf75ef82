package threats

import "testing"

func TestMissingWAF(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
trust_boundaries:
  - {id: dmz, type: network-segment}
  - {id: app, type: network-segment}
components:
  - {id: user, type: user}
  - {id: lb, type: load-balancer, trust_boundary: dmz}
  - {id: waf, type: waf, trust_boundary: dmz}
`
	tests := []struct {
		name, rest string
		want       []string
	}{
		{"web application reached across a boundary", `
  - {id: web, type: web-server, trust_boundary: app}
flows:
  - {id: f, from: lb, to: web, protocol: http}
`, []string{"missing-waf@web"}},
		{"erp recognised by technology, reached from the internet", `
  - {id: erp, type: service, technology: erp}
flows:
  - {id: f, from: user, to: erp, protocol: https}
`, []string{"missing-waf@erp"}},
		{"behind a WAF", `
  - {id: web, type: web-server, trust_boundary: app}
flows:
  - {id: f, from: waf, to: web, protocol: https}
`, nil},
		{"behind a reverse proxy with a WAF module", `
  - {id: proxy, type: reverse-proxy, trust_boundary: dmz, controls: [waf]}
  - {id: web, type: web-server, trust_boundary: app}
flows:
  - {id: f, from: proxy, to: web, protocol: https}
`, nil},
		{"same segment", `
  - {id: web, type: web-server, trust_boundary: dmz}
flows:
  - {id: f, from: lb, to: web, protocol: https}
`, nil},
		{"not a web protocol", `
  - {id: api, type: api, trust_boundary: app}
flows:
  - {id: f, from: lb, to: api, protocol: amqp}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "missing-waf", base+tt.rest, tt.want...) })
	}
	t.Run("waf control on the application", func(t *testing.T) {
		rbMitigated(t, "missing-waf", base+`
  - {id: web, type: web-server, trust_boundary: app, controls: [waf]}
flows:
  - {id: f, from: lb, to: web, protocol: http}
`, "missing-waf@web", "waf")
	})
}
