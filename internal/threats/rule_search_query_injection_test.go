package threats

import "testing"

func TestSearchQueryInjection(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: api, type: api}
  - {id: es, type: service, technology: Elasticsearch 8}
  - {id: idx, type: search-index}
  - {id: db, type: database}
  - {id: ext, type: third-party-service, out_of_scope: true}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"api queries a search engine over https", "  - {id: q, from: api, to: es, protocol: https}\n  - {id: r, from: api, to: idx, protocol: tcp}\n",
			[]string{"search-query-injection@q", "search-query-injection@r"}},
		{"api queries a database", "  - {id: q, from: api, to: db, protocol: https}\n", nil},
		{"out-of-scope caller", "  - {id: q, from: ext, to: es, protocol: https}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "search-query-injection", base+tt.flows, tt.want...) })
	}
	t.Run("validated input", func(t *testing.T) {
		rbMitigated(t, "search-query-injection", base+"  - {id: q, from: api, to: es, protocol: https, controls: [input-validation]}\n",
			"search-query-injection@q", "input-validation")
	})
}
