package threats

import "testing"

func TestXMLExternalEntity(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"XML format and SOAP endpoint", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: erp, type: service, data_formats: [xml]}
  - {id: ws, type: api}
  - {id: client, type: service}
flows:
  - {id: call, from: client, to: ws, protocol: soap}
`, []string{"xml-external-entity@erp", "xml-external-entity@ws"}},
		{"JSON only", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: api, type: api, data_formats: [json]}
  - {id: ext, type: service, data_formats: [xml], out_of_scope: true}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "xml-external-entity", tt.src, tt.want...) })
	}
	t.Run("hardened parser", func(t *testing.T) {
		rbMitigated(t, "xml-external-entity", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: erp, type: service, data_formats: [xml], controls: [xml-hardening]}
`, "xml-external-entity@erp", "xml-hardening")
	})
}
