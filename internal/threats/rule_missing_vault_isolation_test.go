package threats

import "testing"

func TestMissingVaultIsolation(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"vault in the same segment as a web application", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: vault, type: vault, trust_boundary: net}
  - {id: web, type: web-application, trust_boundary: net}
trust_boundaries:
  - {id: net, type: network-segment}
`, []string{"missing-vault-isolation@vault"}},
		{"vault recognised by technology, no boundaries at all", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: secrets, type: service, technology: HashiCorp Vault}
  - {id: api, type: api}
`, []string{"missing-vault-isolation@secrets"}},
		{"vault alone in its segment with its own store", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: vault, type: vault, trust_boundary: vnet}
  - {id: vdb, type: database, trust_boundary: vnet}
  - {id: web, type: web-application, trust_boundary: net}
trust_boundaries:
  - {id: net, type: network-segment}
  - {id: vnet, type: network-segment}
flows:
  - {id: f, from: vault, to: vdb, protocol: jdbc}
`, nil},
		{"out-of-scope vault", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: vault, type: vault, out_of_scope: true}
  - {id: web, type: web-application}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "missing-vault-isolation", tt.src, tt.want...) })
	}
	t.Run("segmentation in place", func(t *testing.T) {
		rbMitigated(t, "missing-vault-isolation", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: vault, type: vault, trust_boundary: net, controls: [network-segmentation]}
  - {id: web, type: web-application, trust_boundary: net}
trust_boundaries:
  - {id: net, type: network-segment}
`, "missing-vault-isolation@vault", "network-segmentation")
	})
}
