package threats

import "testing"

func TestUnnecessaryTechnicalAsset(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"component without data, component without flows", `
rampart: 1
system: {id: s, name: S}
data:
  - {id: d, classification: internal}
components:
  - {id: a, type: service, processes: [d]}
  - {id: b, type: service}
  - {id: lonely, type: database, stores: [d]}
flows:
  - {id: f, from: a, to: b, protocol: https, data_sent: [d]}
`, []string{"unnecessary-technical-asset@b", "unnecessary-technical-asset@lonely"}},
		{"every component used; out-of-scope ones ignored", `
rampart: 1
system: {id: s, name: S}
data:
  - {id: d, classification: internal}
components:
  - {id: a, type: service, processes: [d]}
  - {id: b, type: database, stores: [d]}
  - {id: x, type: user, out_of_scope: true}
flows:
  - {id: f, from: a, to: b, protocol: jdbc, data_sent: [d]}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "unnecessary-technical-asset", tt.src, tt.want...) })
	}
}
