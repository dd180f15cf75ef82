package builtin

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// rulesBModel is one model in which every rule of rulesB fires.
const rulesBModel = `
rampart: 1
system: {id: shop, name: Shop}
data:
  - {id: cards, name: Card data, classification: restricted}
  - {id: code, name: Source code, classification: internal, cia: {integrity: critical}}
  - {id: orphan, name: Old exports, classification: confidential}
trust_boundaries:
  - {id: dmz, type: network-segment}
  - {id: core, type: network-segment}
  - {id: ns, type: container}
components:
  - {id: dev, name: Developer laptop, type: user, internet_facing: true}
  - {id: lb, name: Load balancer, type: load-balancer, trust_boundary: dmz, internet_facing: true, processes: [cards]}
  - {id: web, name: Web shop, type: web-application, custom_code: true, trust_boundary: core, processes: [cards], stores: [code], data_formats: [xml, serialization]}
  - {id: db, name: Orders DB, type: database, trust_boundary: core, stores: [cards]}
  - {id: search, name: Catalogue search, type: search-index, trust_boundary: core, processes: [cards]}
  - {id: registry, name: Service registry, type: service, technology: consul, trust_boundary: core, processes: [cards]}
  - {id: vault, name: Secrets, type: vault, trust_boundary: core, processes: [cards]}
  - {id: ci, name: Build server, type: build-pipeline, trust_boundary: core, processes: [code]}
  - {id: vm, name: Legacy VM, type: service, hosting: cloud-iaas, trust_boundary: ns, processes: [cards]}
  - {id: idle, name: Idle box, type: service, trust_boundary: core}
flows:
  - {id: inbound, from: lb, to: web, protocol: http, authentication: session, data_sent: [cards], data_received: [cards]}
  - {id: query, from: web, to: db, protocol: jdbc, data_sent: [cards]}
  - {id: find, from: web, to: search, protocol: https, data_sent: [cards]}
  - {id: lookup, from: web, to: registry, protocol: https, data_sent: [cards]}
  - {id: deploy, from: ci, to: web, protocol: ssh, usage: devops, data_sent: [code]}
  - {id: push, from: dev, to: ci, protocol: ssh, data_sent: [code]}
  - {id: direct, from: lb, to: db, protocol: jdbc, data_sent: [cards]}
  - {id: ping, from: web, to: vm, protocol: https}
  - {id: relay, from: lb, to: vm, protocol: https, data_sent: [code]}
`

// TestRulesBTogether runs all the rules of rulesB over one model (and over
// the same model without its vault, for missing-vault): each must fire, and
// each threat's description must name the elements it is about.
func TestRulesBTogether(t *testing.T) {
	const vaultLine = "  - {id: vault, name: Secrets, type: vault, trust_boundary: core, processes: [cards]}\n"
	if !strings.Contains(rulesBModel, vaultLine) {
		t.Fatal("combined model has no vault line")
	}
	fired := map[string]int{}
	for _, src := range []string{rulesBModel, strings.Replace(rulesBModel, vaultLine, "", 1)} {
		checkRulesB(t, loadModel(t, "test.yaml", src), fired)
	}
	for _, id := range rulesB {
		if fired[id] == 0 {
			t.Errorf("rule %s did not fire on the combined model", id)
		}
	}
}

func checkRulesB(t *testing.T, m *model.Model, fired map[string]int) {
	t.Helper()
	var rules []threats.Rule
	for _, id := range rulesB {
		r, ok := Lookup(id)
		if !ok {
			t.Fatalf("no rule %s", id)
		}
		rules = append(rules, r)
	}
	e := threats.NewEnv(m)
	for _, th := range threats.Identify(m, rules) {
		fired[th.Rule]++
		var names []string
		for _, id := range th.Targets {
			names = append(names, e.Name(id))
			if f := e.Ix.Flows[id]; f != nil {
				names = append(names, e.Name(f.From), e.Name(f.To))
			}
		}
		named := false
		for _, n := range names {
			named = named || strings.Contains(th.Description, n)
		}
		if !named {
			t.Errorf("%s: description %q names none of %v", th.ID, th.Description, names)
		}
		if th.Pos.Line == 0 {
			t.Errorf("%s: no source position", th.ID)
		}
	}
}
