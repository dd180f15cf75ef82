package threats

import "testing"

func TestMissingVault(t *testing.T) {
	const data = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: restricted}
  - {id: logs, classification: internal}
components:
`
	tests := []struct {
		name, comps string
		want        []string
	}{
		{"no vault: raised once on the most sensitive component", `
  - {id: web, type: web-application, processes: [logs]}
  - {id: db, type: database, stores: [pii]}
  - {id: api, type: api, processes: [pii]}
`, []string{"missing-vault@api"}},
		{"vault modelled", `
  - {id: web, type: web-application, processes: [logs]}
  - {id: kv, type: service, technology: azure key vault}
`, nil},
		{"no component in scope", `
  - {id: web, type: web-application, out_of_scope: true}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "missing-vault", data+tt.comps, tt.want...) })
	}
	t.Run("secrets fetched from an external vault", func(t *testing.T) {
		rbMitigated(t, "missing-vault", data+`
  - {id: db, type: database, stores: [pii], controls: [secrets-vault]}
`, "missing-vault@db", "secrets-vault")
	})
}
