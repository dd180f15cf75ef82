package builtin

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// exposureModel is one model in which every rule of exposureRules fires.
const exposureModel = `
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
  - {id: hooks, name: Merchant webhooks, type: external-entity}
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
  - {id: notify, from: web, to: hooks, protocol: https}
`

// TestExposureRulesTogether runs all the exposure rules over one model (and over
// the same model without its vault, for missing-vault): each must fire, and
// each threat's description must name the elements it is about.
func TestExposureRulesTogether(t *testing.T) {
	const vaultLine = "  - {id: vault, name: Secrets, type: vault, trust_boundary: core, processes: [cards]}\n"
	if !strings.Contains(exposureModel, vaultLine) {
		t.Fatal("combined model has no vault line")
	}
	fired := map[string]int{}
	for _, src := range []string{exposureModel, strings.Replace(exposureModel, vaultLine, "", 1)} {
		checkExposureRules(t, loadModel(t, "test.yaml", src), fired)
	}
	for _, id := range exposureRules {
		if fired[id] == 0 {
			t.Errorf("rule %s did not fire on the combined model", id)
		}
	}
}

func checkExposureRules(t *testing.T, m *model.Model, fired map[string]int) {
	t.Helper()
	rules := lookupRules(t, exposureRules)
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

// TestBeyondThreagileRulesTogether runs all the rules beyond Threagile over
// one model and checks the exact threats they raise and the controls in
// place for each.
func TestBeyondThreagileRulesTogether(t *testing.T) {
	const src = `
rampart: 1
system: {id: shop, name: Shop}
data:
  - {id: customers, name: Customer profiles, classification: confidential, personal: true, cia: {availability: high}}
  - {id: cards, name: Card tokens, classification: restricted}
  - {id: events, name: Access events, classification: internal}
components:
  - {id: user, type: user}
  - {id: psp, name: Payment provider, type: third-party-service}
  - {id: web, name: Shop front, type: web-application, internet_facing: true, human_use: true, custom_code: true,
     authentication: password, processes: [customers], controls: [rate-limiting, monitoring]}
  - {id: admin, name: Back office, type: web-application, admin_interface: true, authentication: oidc,
     custom_code: true, processes: [customers], controls: [admin-mfa, audit-logging]}
  - {id: db, name: Customer DB, type: database, multi_tenant: true, stores: [customers, cards],
     encryption_at_rest: platform, controls: [backup, tenant-isolation]}
  - {id: logs, name: Log store, type: log-store, stores: [events]}
  - {id: ci, name: CI, type: build-pipeline, controls: [secrets-vault, dependency-scanning]}
  - {id: meter, type: iot-device}
flows:
  - {id: browse, from: user, to: web, protocol: https}
  - {id: pay, from: web, to: psp, protocol: https, data_sent: [customers]}
  - {id: read, from: admin, to: db, protocol: jdbc, data_received: [customers]}
  - {id: write, from: web, to: db, protocol: jdbc, data_sent: [customers]}
  - {id: ship, from: web, to: logs, protocol: syslog, data_sent: [events]}
  - {id: deploy, from: ci, to: web, protocol: https, usage: devops}
  - {id: telemetry, from: meter, to: web, protocol: mqtts, authentication: mtls}
`
	m := loadModel(t, "test.yaml", src)
	rules := lookupRules(t, beyondThreagileRules)
	var got []string
	for _, th := range threats.Identify(m, rules) {
		got = append(got, fmt.Sprintf("%s %v", th.ID, th.InPlace))
	}
	want := []string{
		"admin-interface-without-mfa@admin [admin-mfa]",
		"missing-audit-logging@admin [audit-logging]",
		"missing-audit-logging@web []",
		"missing-backup@db [backup]",
		"missing-rate-limiting@web [rate-limiting]",
		"missing-security-monitoring@db []",
		"missing-security-monitoring@web [monitoring]",
		"multi-tenant-data-isolation@db [tenant-isolation]",
		"overprivileged-datastore-access@read []",
		"personal-data-to-third-party@pay []",
		"personal-data-without-privacy-controls@db []",
		"secrets-in-ci-cd@ci [secrets-vault]",
		"supply-chain-dependency-risk@admin []",
		"supply-chain-dependency-risk@ci [dependency-scanning]",
		"unencrypted-backups@db []",
		"weak-authentication-internet@web []",
	}
	if !slices.Equal(got, want) {
		t.Errorf("threats:\n  got  %q\n  want %q", got, want)
	}
}
