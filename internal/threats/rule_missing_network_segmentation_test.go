package threats

import "testing"

func TestMissingNetworkSegmentation(t *testing.T) {
	const rule = "missing-network-segmentation"
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, classification: restricted, quantity: many, cia: {integrity: critical}}
  - {id: news, classification: public}
trust_boundaries:
  - {id: net, type: network-segment, contains: [db, cms, app]}
components:
  - {id: cms, type: web-application, processes: [news]}
  - {id: app, type: service, processes: [cards]}
`
	tests := []struct {
		name    string
		model   string
		want    []string
		inPlace string
	}{
		{"database beside an unrelated CMS",
			"  - {id: db, type: database, stores: [cards]}\nflows:\n  - {id: f, from: app, to: db, protocol: jdbc}\n",
			[]string{rule + "@db"}, ""},
		{"CMS talks to the database",
			"  - {id: db, type: database, stores: [cards]}\nflows:\n  - {id: f, from: cms, to: db, protocol: jdbc}\n  - {id: g, from: app, to: db, protocol: jdbc}\n",
			nil, ""},
		{"segmentation control in place",
			"  - {id: db, type: database, stores: [cards], controls: [network-segmentation]}\nflows:\n  - {id: f, from: app, to: db, protocol: jdbc}\n",
			[]string{rule + "@db"}, "network-segmentation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, rule, head+tt.model, tt.want...)
			if tt.inPlace != "" {
				expectInPlace(t, rule, head+tt.model, tt.want[0], tt.inPlace)
			}
		})
	}
	expectDetail(t, rule, head+tests[0].model, rule+"@db", "'db'", "'cms'")
	// the database in a segment of its own
	apart := `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, classification: restricted, quantity: many}
trust_boundaries:
  - {id: web, type: network-segment, contains: [cms]}
  - {id: data, type: network-segment, contains: [db]}
components:
  - {id: cms, type: web-application}
  - {id: db, type: database, stores: [cards]}
`
	expectHits(t, rule, apart, []string{}...)
}
