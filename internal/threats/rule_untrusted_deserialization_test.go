package threats

import "testing"

func TestUntrustedDeserialization(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"serialisation format and EJB technology", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: erp, type: service, data_formats: [xml, serialization]}
  - {id: beans, type: service, technology: EJB container}
`, []string{"untrusted-deserialization@beans", "untrusted-deserialization@erp"}},
		{"JSON only; out-of-scope serialiser", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: api, type: api, data_formats: [json]}
  - {id: ext, type: service, data_formats: [serialization], out_of_scope: true}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "untrusted-deserialization", tt.src, tt.want...) })
	}
	t.Run("type allow-list in place", func(t *testing.T) {
		rbMitigated(t, "untrusted-deserialization", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: erp, type: service, data_formats: [serialization], controls: [safe-deserialization]}
`, "untrusted-deserialization@erp", "safe-deserialization")
	})
}
