package builtin

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// rulesC lists the rules on logging and monitoring, administration,
// backups, CI/CD and supply chain, privacy, abuse and tenant isolation.
var rulesC = []string{
	"missing-audit-logging",
	"missing-security-monitoring",
	"admin-interface-without-mfa",
	"admin-interface-exposed",
	"missing-backup",
	"unencrypted-backups",
	"secrets-in-ci-cd",
	"supply-chain-dependency-risk",
	"personal-data-without-privacy-controls",
	"personal-data-to-third-party",
	"personal-data-unencrypted-at-rest",
	"sensitive-data-in-logs",
	"missing-rate-limiting",
	"weak-authentication-internet",
	"overprivileged-datastore-access",
	"insecure-iot-channel",
	"multi-tenant-data-isolation",
	"llm-prompt-injection",
	"personal-data-unencrypted-in-transit",
}

func TestRegistryC(t *testing.T) {
	for _, id := range rulesC {
		r, ok := Lookup(id)
		if !ok {
			t.Errorf("rule %s is not registered", id)
			continue
		}
		if len(r.Mitigations) == 0 || len(r.References) == 0 {
			t.Errorf("rule %s: mitigations and references are required", id)
		}
		for _, c := range r.Mitigations {
			if _, ok := catalog.LookupControl(c); !ok {
				t.Errorf("rule %s: mitigation %q is not a catalog control", id, c)
			}
		}
		for _, c := range r.CWE {
			if catalog.CWEName(c) == "" {
				t.Errorf("rule %s: CWE-%d has no name in the catalog", id, c)
			}
		}
		for _, c := range r.CAPEC {
			if catalog.CAPECName(c) == "" {
				t.Errorf("rule %s: CAPEC-%d has no name in the catalog", id, c)
			}
		}
		for _, c := range r.ATTACK {
			if catalog.TechniqueName(c) == "" {
				t.Errorf("rule %s: %s has no name in the catalog", id, c)
			}
		}
		if len(r.Threagile) > 0 {
			t.Errorf("rule %s: goes beyond Threagile and must not claim Threagile ids %v", id, r.Threagile)
		}
		if privacy := strings.HasPrefix(id, "personal-data-"); privacy != (r.Category == "privacy") {
			t.Errorf("rule %s: category %q", id, r.Category)
		}
	}
}

// stay apart from each other.
func TestRulesCTogether(t *testing.T) {
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
	var rules []threats.Rule
	for _, id := range rulesC {
		r, ok := Lookup(id)
		if !ok {
			t.Fatalf("no rule %s", id)
		}
		rules = append(rules, r)
	}
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

// genModelC builds a model with n components of mixed kinds and 2n flows
// that exercise the rules of the set.
func genModelC(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "gen", Name: "Generated"}}
	m.Data = []model.DataAsset{
		{ID: "pii", Classification: "confidential", Personal: true, CIA: model.CIA{Availability: "high"}},
		{ID: "secret", Classification: "restricted"},
		{ID: "public", Classification: "public"},
	}
	types := []model.ComponentType{"api", "database", "web-application", "log-store", "build-pipeline",
		"iot-device", "third-party-service", "object-storage"}
	for i := range n {
		c := model.Component{ID: fmt.Sprintf("c%d", i), Type: types[i%len(types)]}
		switch c.Type.Kind() {
		case model.KindDataStore:
			c.Stores = []string{"pii", "secret", "public"}[:1+i%3]
			c.MultiTenant = i%5 == 0
			if i%4 == 0 {
				c.Controls = []string{"backup"}
			}
		case model.KindProcess:
			c.Processes = []string{"pii"}
			c.CustomCode = i%2 == 0
			c.InternetFacing = i%3 == 0
			c.HumanUse = i%3 == 0
			c.AdminInterface = i%7 == 0
			c.Authentication = "password"
		}
		m.Components = append(m.Components, c)
	}
	for i := range 2 * n {
		from, to := i%n, (i*7+1)%n
		if from == to {
			to = (to + 1) % n
		}
		m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", from),
			To: fmt.Sprintf("c%d", to), Protocol: "mqtt", DataSent: []string{"pii"}, DataReceived: []string{"secret"}})
	}
	return m
}

func BenchmarkRulesC(b *testing.B) { benchRules(b, rulesC, genModelC) }
