package threats

import "testing"

func TestUnencryptedAsset(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: restricted}
  - {id: code, classification: internal, cia: {integrity: high}}
  - {id: news, classification: public}
components:
`
	tests := []struct {
		name, comps string
		want        []string
	}{
		{"stores without encryption", `
  - {id: db, type: database, stores: [pii]}
  - {id: repo, type: source-repository, stores: [code], encryption_at_rest: none}
`, []string{"unencrypted-asset@db", "unencrypted-asset@repo"}},
		{"database with shared keys for strictly confidential data", `
  - {id: db, type: database, stores: [pii], encryption_at_rest: application}
`, []string{"unencrypted-asset@db"}},
		{"encrypted, forwarders, public data", `
  - {id: db, type: database, stores: [pii], encryption_at_rest: customer-key}
  - {id: ldap, type: identity-store, stores: [pii], encryption_at_rest: platform}
  - {id: lb, type: load-balancer, stores: [pii]}
  - {id: cms, type: web-application, stores: [news]}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unencrypted-asset", base+tt.comps, tt.want...) })
	}
	t.Run("encryption control declared", func(t *testing.T) {
		rbMitigated(t, "unencrypted-asset", base+"  - {id: db, type: database, stores: [pii], controls: [encryption-at-rest]}\n",
			"unencrypted-asset@db", "encryption-at-rest")
	})
}
