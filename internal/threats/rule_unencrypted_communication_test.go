package threats

import "testing"

func TestUnencryptedCommunication(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: top, classification: restricted}
  - {id: conf, classification: confidential}
  - {id: news, classification: public}
components:
  - {id: a, type: service}
  - {id: b, type: database}
  - {id: mon, type: monitoring}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"cleartext credentials, strictly confidential data, confidential data", `
  - {id: login, from: a, to: b, protocol: http, authentication: password}
  - {id: q, from: a, to: b, protocol: jdbc, data_sent: [top]}
  - {id: c, from: a, to: b, protocol: tcp, data_received: [conf]}
  - {id: v, from: a, to: b, protocol: tcp, vpn: true, data_sent: [top]}
`, []string{"unencrypted-communication@c", "unencrypted-communication@login", "unencrypted-communication@q", "unencrypted-communication@v"}},
		{"encrypted, local, monitoring, public, VPN with confidential data", `
  - {id: e1, from: a, to: b, protocol: https, authentication: password, data_sent: [top]}
  - {id: e2, from: a, to: b, protocol: jdbc, encryption: tls, data_sent: [top]}
  - {id: l, from: a, to: b, protocol: in-process, data_sent: [top]}
  - {id: m, from: a, to: mon, protocol: syslog, data_sent: [top]}
  - {id: p, from: a, to: b, protocol: http, data_sent: [news]}
  - {id: v, from: a, to: b, protocol: tcp, vpn: true, data_sent: [conf]}
  - {id: cert, from: a, to: b, protocol: tcp, authentication: mtls, data_sent: [top]}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unencrypted-communication", base+tt.flows, tt.want...) })
	}
	t.Run("tls control declared on the flow", func(t *testing.T) {
		rbMitigated(t, "unencrypted-communication", base+"  - {id: q, from: a, to: b, protocol: jdbc, data_sent: [top], controls: [tls]}\n",
			"unencrypted-communication@q", "tls")
	})
}
