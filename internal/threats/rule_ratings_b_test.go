package threats

import "testing"

// TestRatingsB checks how the parity rules adjust likelihood and impact to
// exposure and to the data at stake.
func TestRatingsB(t *testing.T) {
	const src = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: top, classification: restricted}
  - {id: conf, classification: confidential}
trust_boundaries:
  - {id: a, type: network-segment}
  - {id: b, type: network-segment}
  - {id: cloud, type: cloud-account}
  - {id: env, type: execution-environment}
components:
  - {id: user, type: user}
  - {id: web, type: web-application, trust_boundary: a, processes: [top], data_formats: [serialization]}
  - {id: api, type: api, trust_boundary: b, processes: [conf], data_formats: [serialization]}
  - {id: db, type: database, trust_boundary: b, stores: [top]}
  - {id: fn, type: serverless-function, trust_boundary: cloud}
  - {id: vault, type: vault, trust_boundary: env}
  - {id: app, type: service, trust_boundary: env, data_formats: [serialization]}
flows:
  - {id: wire-top, from: web, to: db, protocol: tcp, data_sent: [top]}
  - {id: wire-conf, from: api, to: db, protocol: tcp, data_sent: [conf]}
  - {id: admin, from: api, to: db, protocol: jdbc, usage: devops}
  - {id: login, from: user, to: web, protocol: https}
  - {id: fetch, from: fn, to: api, protocol: https}
`
	tests := []struct {
		rule, threat       string
		likelihood, impact int
	}{
		{"unencrypted-communication", "unencrypted-communication@wire-top", 3, 4},  // crosses segments, strictly confidential
		{"unencrypted-communication", "unencrypted-communication@wire-conf", 2, 3}, // same segment, confidential
		{"sql-nosql-injection", "sql-nosql-injection@admin", 3, 4},                 // devops access, strictly confidential store
		{"untrusted-deserialization", "untrusted-deserialization@web", 4, 5},       // reached from the internet, top data
		{"untrusted-deserialization", "untrusted-deserialization@api", 4, 4},       // reached from another network
		{"untrusted-deserialization", "untrusted-deserialization@app", 3, 4},       // reached from nowhere outside
		{"server-side-request-forgery", "server-side-request-forgery@fetch", 3, 3}, // cloud metadata in reach
		{"missing-vault-isolation", "missing-vault-isolation@vault", 3, 3},         // shares its execution environment
	}
	for _, tt := range tests {
		t.Run(tt.threat, func(t *testing.T) {
			th := rbThreat(t, tt.rule, src, tt.threat)
			if th.Likelihood != tt.likelihood || th.Impact != tt.impact {
				t.Errorf("likelihood %d, impact %d; want %d, %d", th.Likelihood, th.Impact, tt.likelihood, tt.impact)
			}
		})
	}
}
