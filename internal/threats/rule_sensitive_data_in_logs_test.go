package threats

import "testing"

func TestSensitiveDataInLogs(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: tokens, name: Session tokens, classification: restricted}
  - {id: email, name: E-mail address, classification: internal, personal: true}
  - {id: metrics, name: Metrics, classification: internal}
components:
  - {id: api, name: Login API, type: api}
  - {id: logs, name: Log platform, type: log-store}
flows:
`
	runRuleCases(t, "sensitive-data-in-logs", []ruleCase{
		{name: "tokens and personal data shipped to the log store",
			src:    head + "  - {id: ship, from: api, to: logs, protocol: syslog, data_sent: [tokens, email, metrics]}\n",
			want:   []string{"sensitive-data-in-logs@ship"},
			detail: map[string][]string{"sensitive-data-in-logs@ship": {"Login API", "Session tokens", "E-mail address", "Log platform"}}},
		{name: "log store declares it keeps personal data",
			src: `
rampart: 1
system: {id: s, name: S}
data:
  - {id: email, classification: internal, personal: true}
components:
  - {id: logs, type: log-store, stores: [email]}
`,
			want: []string{"sensitive-data-in-logs@logs"}},
		{name: "log redaction in place on the log store",
			src: `
rampart: 1
system: {id: s, name: S}
data:
  - {id: email, classification: internal, personal: true}
components:
  - {id: api, type: api}
  - {id: logs, type: log-store, stores: [email], controls: [log-redaction]}
flows:
  - {id: ship, from: api, to: logs, protocol: syslog, data_sent: [email]}
`,
			want:    []string{"sensitive-data-in-logs@ship"},
			inPlace: map[string][]string{"sensitive-data-in-logs@ship": {"log-redaction"}}},
		{name: "only metrics", src: head + "  - {id: ship, from: api, to: logs, protocol: syslog, data_sent: [metrics]}\n"},
		{name: "personal data to a database", src: `
rampart: 1
system: {id: s, name: S}
data:
  - {id: email, classification: internal, personal: true}
components:
  - {id: api, type: api}
  - {id: db, type: database}
flows:
  - {id: save, from: api, to: db, protocol: sql, data_sent: [email]}
`},
	})
}
