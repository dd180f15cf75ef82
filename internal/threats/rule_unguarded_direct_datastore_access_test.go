package threats

import "testing"

func TestUnguardedDirectDatastoreAccess(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: confidential}
trust_boundaries:
  - {id: web, type: network-segment}
  - {id: data, type: network-segment}
components:
  - {id: cms, type: web-application, trust_boundary: web}
  - {id: idp, type: identity-provider, trust_boundary: web}
  - {id: api, type: api, trust_boundary: data}
  - {id: db, type: database, stores: [pii], trust_boundary: data}
  - {id: ldap, type: identity-store, stores: [pii], trust_boundary: data}
  - {id: files, type: file-storage, stores: [pii], trust_boundary: data}
flows:
`
	tests := []struct {
		name, flows string
		want        []string
	}{
		{"web tier talks to the database and directory", `
  - {id: q, from: cms, to: db, protocol: jdbc}
  - {id: auth, from: cms, to: ldap, protocol: ldap}
`, []string{"unguarded-direct-datastore-access@auth", "unguarded-direct-datastore-access@q"}},
		{"same segment, devops, idp to its store, sftp to a file server", `
  - {id: a, from: api, to: db, protocol: jdbc}
  - {id: b, from: cms, to: db, protocol: ssh, usage: devops}
  - {id: c, from: idp, to: ldap, protocol: ldaps}
  - {id: d, from: cms, to: files, protocol: sftp}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unguarded-direct-datastore-access", base+tt.flows, tt.want...) })
	}
	t.Run("access restricted to known addresses", func(t *testing.T) {
		rbMitigated(t, "unguarded-direct-datastore-access", base+"  - {id: q, from: cms, to: db, protocol: jdbc, controls: [ip-allowlist]}\n",
			"unguarded-direct-datastore-access@q", "ip-allowlist")
	})
}
