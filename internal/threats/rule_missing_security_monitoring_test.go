package threats

import "testing"

func TestMissingSecurityMonitoring(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, name: Card data, classification: restricted}
  - {id: orders, classification: confidential}
components:
`
	runRuleCases(t, "missing-security-monitoring", []ruleCase{
		{name: "internet-facing process",
			src:    head + "  - {id: web, name: Shop, type: web-application, internet_facing: true}\n",
			want:   []string{"missing-security-monitoring@web"},
			detail: map[string][]string{"missing-security-monitoring@web": {"Shop", "internet"}}},
		{name: "datastore with restricted data",
			src:    head + "  - {id: db, type: database, stores: [cards, orders]}\n",
			want:   []string{"missing-security-monitoring@db"},
			detail: map[string][]string{"missing-security-monitoring@db": {"Card data"}}},
		{name: "monitoring control in place",
			src:     head + "  - {id: web, type: web-application, internet_facing: true, controls: [monitoring]}\n",
			want:    []string{"missing-security-monitoring@web"},
			inPlace: map[string][]string{"missing-security-monitoring@web": {"monitoring"}}},
		{name: "events sent to a monitoring component",
			src: head + `  - {id: web, type: web-application, internet_facing: true}
  - {id: siem, type: monitoring}
flows:
  - {id: logs, from: web, to: siem, protocol: syslog}
`},
		{name: "internal process", src: head + "  - {id: api, type: api, processes: [cards]}\n"},
		{name: "datastore with confidential data only", src: head + "  - {id: db, type: database, stores: [orders]}\n"},
		{name: "external entity", src: head + "  - {id: partner, type: third-party-service, internet_facing: true}\n"},
	})
}
