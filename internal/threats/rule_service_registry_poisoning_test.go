package threats

import "testing"

func TestServiceRegistryPoisoning(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"consul in scope", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: reg, type: service, technology: HashiCorp Consul}
  - {id: api, type: api}
flows:
  - {id: lookup, from: api, to: reg, protocol: https}
`, []string{"service-registry-poisoning@reg"}},
		{"no registry", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: api, type: api}
  - {id: reg, type: service, technology: eureka, out_of_scope: true}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, "service-registry-poisoning", tt.src, tt.want...) })
	}
	t.Run("registration restricted", func(t *testing.T) {
		rbMitigated(t, "service-registry-poisoning", `
rampart: 1
system: {id: s, name: S}
components:
  - {id: reg, type: service, technology: service-registry, controls: [access-control]}
`, "service-registry-poisoning@reg", "access-control")
	})
}
