package threats

import "testing"

func TestUnnecessaryDataTransfer(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: confidential}
  - {id: news, classification: public}
components:
  - {id: proxy, type: reverse-proxy}
  - {id: api, type: api, processes: [pii, news]}
  - {id: mon, type: monitoring}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"proxy relays personal data it does not declare", "  - {id: f, from: proxy, to: api, protocol: https, data_sent: [pii, news]}\n",
			[]string{"unnecessary-data-transfer@proxy+pii"}},
		{"public data, monitoring feed", "  - {id: f, from: proxy, to: api, protocol: https, data_sent: [news]}\n  - {id: g, from: proxy, to: mon, protocol: syslog, data_sent: [pii]}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unnecessary-data-transfer", base+tt.flows, tt.want...) })
	}
}
