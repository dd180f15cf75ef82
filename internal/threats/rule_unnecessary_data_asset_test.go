package threats

import "testing"

func TestUnnecessaryDataAsset(t *testing.T) {
	const base = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: kept, classification: internal}
  - {id: sent, classification: internal}
  - {id: orphan, classification: confidential}
components:
  - {id: a, type: service, stores: [kept]}
  - {id: b, type: service}
flows:
  - {id: f, from: a, to: b, protocol: https, data_sent: [sent]}
`
	expectHits(t, "unnecessary-data-asset", base, "unnecessary-data-asset@orphan")
	expectHits(t, "unnecessary-data-asset", base+"  - {id: g, from: b, to: a, protocol: https, data_received: [orphan]}\n")
}
