package threats

import "testing"

func TestMixedTargetsOnSharedRuntime(t *testing.T) {
	const rule = "mixed-targets-on-shared-runtime"
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, classification: restricted}
trust_boundaries:
  - {id: dmz, type: network-segment}
  - {id: core, type: network-segment}
components:
`
	tests := []struct {
		name  string
		model string
		want  []string
	}{
		{"web and database on one hypervisor",
			"  - {id: web, type: web-server, runtime: vmware, trust_boundary: dmz}\n  - {id: db, type: database, runtime: vmware, stores: [cards], trust_boundary: core}\n",
			[]string{rule + "@vmware"}},
		{"frontend and backend in one boundary",
			"  - {id: web, type: web-server}\n  - {id: lb, type: load-balancer, runtime: k8s, trust_boundary: core}\n  - {id: api, type: api, runtime: k8s, trust_boundary: core}\n",
			[]string{rule + "@k8s"}},
		{"backends of one boundary",
			"  - {id: web, type: web-server}\n  - {id: db, type: database, runtime: k8s, trust_boundary: core}\n  - {id: api, type: api, runtime: k8s, trust_boundary: core}\n",
			nil},
		{"separate runtimes",
			"  - {id: web, type: web-server, runtime: a, trust_boundary: dmz}\n  - {id: db, type: database, runtime: b, trust_boundary: core}\n",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { expectHits(t, rule, head+tt.model, tt.want...) })
	}
	expectDetail(t, rule, head+tests[0].model, rule+"@vmware", "'web'", "'db'")
	if th := findThreat(t, rule, head+tests[0].model, rule+"@vmware"); len(th.Data) != 1 || th.Data[0] != "cards" {
		t.Errorf("data at stake = %v, want [cards]", th.Data)
	}
}
