package threats

import "testing"

func TestOverprivilegedDatastoreAccess(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: orders, name: Orders, classification: confidential}
  - {id: prices, classification: public}
components:
  - {id: report, name: Reporting job, type: batch-job}
  - {id: db, name: Order DB, type: database, stores: [orders, prices]}
flows:
`
	runRuleCases(t, "overprivileged-datastore-access", []ruleCase{
		{name: "reader with write access",
			src:    head + "  - {id: read, from: report, to: db, protocol: jdbc, data_received: [orders]}\n",
			want:   []string{"overprivileged-datastore-access@read"},
			detail: map[string][]string{"overprivileged-datastore-access@read": {"Reporting job", "Orders", "Order DB"}}},
		{name: "least privilege in place",
			src:     head + "  - {id: read, from: report, to: db, protocol: jdbc, data_received: [orders], controls: [least-privilege]}\n",
			want:    []string{"overprivileged-datastore-access@read"},
			inPlace: map[string][]string{"overprivileged-datastore-access@read": {"least-privilege"}}},
		{name: "read-only flow", src: head + "  - {id: read, from: report, to: db, protocol: jdbc, readonly: true, data_received: [orders]}\n"},
		{name: "writer", src: head + "  - {id: rw, from: report, to: db, protocol: jdbc, data_sent: [orders], data_received: [orders]}\n"},
		{name: "public data only", src: head + "  - {id: read, from: report, to: db, protocol: jdbc, data_received: [prices]}\n"},
		{name: "target is a process", src: `
rampart: 1
system: {id: s, name: S}
data:
  - {id: orders, classification: confidential}
components:
  - {id: a, type: api}
  - {id: b, type: api}
flows:
  - {id: read, from: a, to: b, protocol: https, data_received: [orders]}
`},
	})
}
