package threats

import "testing"

func TestMissingHardening(t *testing.T) {
	const rule = "missing-hardening"
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, classification: restricted, quantity: very-many, cia: {integrity: critical, availability: high}}
  - {id: news, classification: public, quantity: few}
components:
  - {id: web, type: web-server, processes: [news]}
  - {id: cdn, type: reverse-proxy, processes: [news]}
`
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"database with the valuable data", "  - {id: db, type: database, stores: [cards]}\n", []string{rule + "@db"}, ""},
		{"web server below the limit next to a data store", "  - {id: db, type: database, stores: [news]}\n", []string{rule + "@db"}, ""},
		{"hardening in place", "  - {id: db, type: database, stores: [cards], controls: [hardening]}\n", []string{rule + "@db"}, "hardening"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	// every component equally attractive: none stands out
	flat := "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n  - {id: a, type: api}\n  - {id: b, type: api}\n"
	expectHits(t, rule, flat, []string{}...)
}
