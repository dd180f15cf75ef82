package threats

import "testing"

func TestIncompleteModel(t *testing.T) {
	const head = "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n  - {id: api, type: api, technology: go}\n"
	tests := []struct {
		name  string
		model string
		want  []string
	}{
		{"unknown technology", "  - {id: x, type: service, technology: unknown-technology}\n", []string{"incomplete-model@x"}},
		{"generic process without technology", "  - {id: x, type: process}\n", []string{"incomplete-model@x"}},
		{"unknown protocol", "  - {id: db, type: database, technology: postgresql}\nflows:\n  - {id: f, from: api, to: db, protocol: other}\n", []string{"incomplete-model@f"}},
		{"fully described", "  - {id: db, type: database}\nflows:\n  - {id: f, from: api, to: db, protocol: jdbc}\n", nil},
		{"out of scope unknown", "  - {id: x, type: process, technology: unknown, out_of_scope: true}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "incomplete-model", head+tt.model, tt.want...) })
	}
}
