package threats

import "testing"

func TestServerSideRequestForgery(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: browser, type: browser}
  - {id: user, type: user}
  - {id: lb, type: load-balancer}
  - {id: web, type: web-server}
  - {id: api, type: api}
  - {id: db, type: database}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"server calls another server over https", "  - {id: call, from: web, to: api, protocol: https}\n", []string{"server-side-request-forgery@call"}},
		{"client and load balancer requests", "  - {id: a, from: browser, to: web, protocol: https}\n  - {id: b, from: lb, to: web, protocol: http}\n  - {id: c, from: user, to: web, protocol: https}\n", nil},
		{"database protocol", "  - {id: q, from: api, to: db, protocol: jdbc}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "server-side-request-forgery", base+tt.flows, tt.want...) })
	}
	t.Run("egress allow-list", func(t *testing.T) {
		rbMitigated(t, "server-side-request-forgery", base+"  - {id: call, from: web, to: api, protocol: https, controls: [ssrf-protection]}\n",
			"server-side-request-forgery@call", "ssrf-protection")
	})
}
