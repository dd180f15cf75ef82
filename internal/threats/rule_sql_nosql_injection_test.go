package threats

import "testing"

func TestSQLNoSQLInjection(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: api, type: api}
  - {id: db, type: database}
  - {id: docs, type: datastore, technology: MongoDB}
  - {id: cache, type: cache}
  - {id: svc, type: service}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"jdbc and REST access to databases", "  - {id: q, from: api, to: db, protocol: jdbc}\n  - {id: r, from: api, to: docs, protocol: https}\n",
			[]string{"sql-nosql-injection@q", "sql-nosql-injection@r"}},
		{"http to a service, ssh to a database", "  - {id: a, from: api, to: svc, protocol: https}\n  - {id: b, from: api, to: db, protocol: ssh}\n", nil},
		{"memcached-style cache over tcp", "  - {id: c, from: api, to: cache, protocol: tcp}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "sql-nosql-injection", base+tt.flows, tt.want...) })
	}
	t.Run("parameterised queries", func(t *testing.T) {
		rbMitigated(t, "sql-nosql-injection", base+"  - {id: q, from: api, to: db, protocol: jdbc, controls: [parameterized-queries]}\n",
			"sql-nosql-injection@q", "parameterized-queries")
	})
}
