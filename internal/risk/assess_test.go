package risk

import (
	"context"
	"testing"

	"github.com/rampart-sec/rampart/internal/graph"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

const assessModel = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, classification: restricted, cia: {confidentiality: critical, integrity: high, availability: low}}
  - {id: menu, classification: public, cia: {confidentiality: negligible, integrity: medium, availability: medium}}
  - {id: guessed, classification: restricted, tags: [inferred-data]}
components:
  - {id: user, type: user}
  - {id: web, type: web-application, internet_facing: true, processes: [cards, menu], controls: [waf]}
  - {id: batch, type: batch-job, processes: [menu]}
  - {id: db, type: database, stores: [cards], controls: [own-enc]}
controls:
  - {id: own-enc, catalog: encryption-at-rest, status: implemented, effect: {likelihood: 2, impact: 1}}
flows:
  - {id: u-w, from: user, to: web, protocol: https, data_sent: [cards]}
  - {id: w-d, from: web, to: db, protocol: sql, authentication: mtls, data_sent: [cards]}
  - {id: w-b, from: web, to: batch, protocol: https, data_sent: [menu]}
  - {id: b-w, from: batch, to: web, protocol: local-file, data_sent: [menu]}
`

func TestAssess(t *testing.T) {
	m, problems, err := model.LoadBytes(context.Background(), "m.yaml", []byte(assessModel), model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("model: %v %v", err, problems)
	}
	env := threats.NewEnv(m)
	a := NewAssessor(m, env, graph.New(m, graph.Options{Client: env.IsClient}).Reachable())
	tests := []struct {
		name               string
		threat             threats.Threat
		inherent, residual Score
	}{
		{
			name:     "disclosure takes the confidentiality of the most valuable data, at most one step above the rule's base",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.InformationDisclosure}, Targets: []string{"web"}, Data: []string{"cards", "menu"}, Likelihood: 3, Impact: 3},
			inherent: Score{Likelihood: 3, Impact: 4, Score: 12, Severity: "high"},
			residual: Score{Likelihood: 3, Impact: 4, Score: 12, Severity: "high"},
		},
		{
			name:     "an injection-class threat reaches the whole store: full data impact",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.InformationDisclosure}, Targets: []string{"web"}, Data: []string{"cards"}, Likelihood: 3, Impact: 4},
			inherent: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
			residual: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
		},
		{
			name:     "no data at stake: impact unknown, rated 2",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.Tampering}, Targets: []string{"web"}, Likelihood: 4, Impact: 4},
			inherent: Score{Likelihood: 4, Impact: 2, Score: 8, Severity: "medium"},
			residual: Score{Likelihood: 4, Impact: 2, Score: 8, Severity: "medium"},
		},
		{
			name:     "denial of service uses availability",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.DenialOfService}, Targets: []string{"web"}, Data: []string{"cards", "menu"}, Likelihood: 2, Impact: 2},
			inherent: Score{Likelihood: 2, Impact: 3, Score: 6, Severity: "medium"},
			residual: Score{Likelihood: 2, Impact: 3, Score: 6, Severity: "medium"},
		},
		{
			name:     "a component nobody can reach from an entry point is less likely",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.Tampering}, Targets: []string{"batch"}, Data: []string{"menu"}, Likelihood: 3, Impact: 2},
			inherent: Score{Likelihood: 2, Impact: 3, Score: 6, Severity: "medium"},
			residual: Score{Likelihood: 2, Impact: 3, Score: 6, Severity: "medium"},
		},
		{
			name:     "an implemented own control with an effect lowers residual risk; a data store behind other components is less likely",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.InformationDisclosure}, Targets: []string{"db"}, Data: []string{"cards"}, Likelihood: 3, Impact: 4, InPlace: []string{"own-enc"}},
			inherent: Score{Likelihood: 2, Impact: 5, Score: 10, Severity: "high"},
			residual: Score{Likelihood: 1, Impact: 4, Score: 4, Severity: "low"},
		},
		{
			name:     "a catalog control uses its default effect",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.Tampering}, Targets: []string{"web"}, Data: []string{"menu"}, Likelihood: 3, Impact: 3, InPlace: []string{"waf"}},
			inherent: Score{Likelihood: 3, Impact: 3, Score: 9, Severity: "medium"},
			residual: Score{Likelihood: 2, Impact: 3, Score: 6, Severity: "medium"},
		},
		{
			name:     "strong authentication on a flow lowers likelihood (the caller is internet-facing)",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.Spoofing}, Targets: []string{"w-d"}, Data: []string{"cards"}, Likelihood: 4, Impact: 4},
			inherent: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
			residual: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
		},
		{
			name:     "data an import inferred has an unknown value: impact moderate at most",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.InformationDisclosure}, Targets: []string{"web"}, Data: []string{"guessed"}, Likelihood: 4, Impact: 4},
			inherent: Score{Likelihood: 4, Impact: 3, Score: 12, Severity: "high"},
			residual: Score{Likelihood: 4, Impact: 3, Score: 12, Severity: "high"},
		},
		{
			name:     "modelled data next to inferred data keeps its own rating",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.InformationDisclosure}, Targets: []string{"web"}, Data: []string{"guessed", "cards"}, Likelihood: 3, Impact: 4},
			inherent: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
			residual: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
		},
		{
			name:     "calling without authentication takes reaching the callee: an internal callee behind an internet-facing caller is less likely",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.Spoofing}, Concern: ConcernAuthentication, Targets: []string{"w-b"}, Data: []string{"menu"}, Likelihood: 4, Impact: 3},
			inherent: Score{Likelihood: 3, Impact: 3, Score: 9, Severity: "medium"},
			residual: Score{Likelihood: 3, Impact: 3, Score: 9, Severity: "medium"},
		},
		{
			name:     "clear text on a link between the system's own components takes a foothold inside",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.InformationDisclosure}, Concern: ConcernCleartext, Targets: []string{"w-b"}, Data: []string{"menu"}, Likelihood: 3, Impact: 2},
			inherent: Score{Likelihood: 2, Impact: 1, Score: 2, Severity: "low"},
			residual: Score{Likelihood: 2, Impact: 1, Score: 2, Severity: "low"},
		},
		{
			name:     "clear text from a person's side of the link keeps its base likelihood",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.InformationDisclosure}, Concern: ConcernCleartext, Targets: []string{"u-w"}, Data: []string{"cards"}, Likelihood: 3, Impact: 4},
			inherent: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
			residual: Score{Likelihood: 3, Impact: 5, Score: 15, Severity: "high"},
		},
		{
			name:     "a local link takes the host first, even into an internet-facing component",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.Spoofing}, Concern: ConcernAuthentication, Targets: []string{"b-w"}, Data: []string{"menu"}, Likelihood: 4, Impact: 3},
			inherent: Score{Likelihood: 3, Impact: 3, Score: 9, Severity: "medium"},
			residual: Score{Likelihood: 3, Impact: 3, Score: 9, Severity: "medium"},
		},
		{
			name:     "other threats on the same flow come through the internet-facing caller",
			threat:   threats.Threat{STRIDE: []model.STRIDE{model.Tampering}, Targets: []string{"w-b"}, Data: []string{"menu"}, Likelihood: 4, Impact: 3},
			inherent: Score{Likelihood: 4, Impact: 3, Score: 12, Severity: "high"},
			residual: Score{Likelihood: 4, Impact: 3, Score: 12, Severity: "high"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.Assess(&tt.threat)
			if got.Inherent != tt.inherent || got.Residual != tt.residual {
				t.Errorf("got inherent %+v residual %+v\nwant inherent %+v residual %+v\nfactors: %v",
					got.Inherent, got.Residual, tt.inherent, tt.residual, got.Factors)
			}
			if len(got.Factors) < 2 {
				t.Errorf("want an explanation of the ratings, got %v", got.Factors)
			}
		})
	}
}

// frontedModel has an app behind an internet-facing CDN, an app behind a
// WAF, an app behind a load balancer behind a WAF, an app behind another
// app, an app behind a proxy that authenticates its callers strongly, and
// an app behind two proxies that call each other.
const frontedModel = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: accounts, classification: confidential, cia: {confidentiality: high, integrity: high, availability: medium}}
components:
  - {id: user, type: user}
  - {id: cdn, type: reverse-proxy, technology: cloudfront, internet_facing: true}
  - {id: waf, type: waf, internet_facing: true}
  - {id: sso-proxy, type: reverse-proxy, internet_facing: true, authentication: mfa}
  - {id: shop, type: web-application, processes: [accounts]}
  - {id: guarded, type: web-application, processes: [accounts]}
  - {id: front, type: web-application, internet_facing: true, processes: [accounts]}
  - {id: back, type: web-application, processes: [accounts]}
  - {id: staff-app, type: web-application, processes: [accounts]}
  - {id: db, type: database, stores: [accounts]}
  - {id: edge-waf, type: waf, internet_facing: true}
  - {id: lb, type: load-balancer}
  - {id: pool, type: web-application, processes: [accounts]}
  - {id: proxy-a, type: reverse-proxy, internet_facing: true}
  - {id: proxy-b, type: reverse-proxy, internet_facing: true}
  - {id: looped, type: web-application, processes: [accounts]}
flows:
  - {id: u-pa, from: user, to: proxy-a, protocol: https}
  - {id: pa-pb, from: proxy-a, to: proxy-b, protocol: https}
  - {id: pb-pa, from: proxy-b, to: proxy-a, protocol: https}
  - {id: pb-l, from: proxy-b, to: looped, protocol: https}
  - {id: u-e, from: user, to: edge-waf, protocol: https}
  - {id: e-l, from: edge-waf, to: lb, protocol: https}
  - {id: l-p, from: lb, to: pool, protocol: https}
  - {id: s-db, from: shop, to: db, protocol: sql}
  - {id: u-c, from: user, to: cdn, protocol: https}
  - {id: c-s, from: cdn, to: shop, protocol: https}
  - {id: u-w, from: user, to: waf, protocol: https}
  - {id: w-g, from: waf, to: guarded, protocol: https}
  - {id: u-f, from: user, to: front, protocol: https}
  - {id: f-b, from: front, to: back, protocol: https}
  - {id: u-p, from: user, to: sso-proxy, protocol: https}
  - {id: p-s, from: sso-proxy, to: staff-app, protocol: https}
`

// TestForwardersPassRequestsOn checks the exposure of components an
// attacker reaches through others: forwarders in front (CDN, reverse
// proxy) pass requests on and take no step; a WAF takes one for the
// threats it filters; a component that handles the request itself, or a
// forwarder that authenticates strongly, takes one.
func TestForwardersPassRequestsOn(t *testing.T) {
	m, problems, err := model.LoadBytes(context.Background(), "m.yaml", []byte(frontedModel), model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("model: %v %v", err, problems)
	}
	env := threats.NewEnv(m)
	a := NewAssessor(m, env, graph.New(m, graph.Options{Client: env.IsClient}).Reachable())
	id := []model.STRIDE{model.InformationDisclosure}
	tests := []struct {
		name       string
		threat     threats.Threat
		likelihood int
	}{
		{"behind a CDN that passes requests on: base likelihood",
			threats.Threat{STRIDE: id, Targets: []string{"shop"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3}, 3},
		{"a flow whose caller sits behind the CDN: base likelihood",
			threats.Threat{STRIDE: id, Targets: []string{"s-db"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3}, 3},
		{"behind a WAF, a threat the WAF filters: one step",
			threats.Threat{STRIDE: id, Targets: []string{"guarded"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3, Mitigations: []string{"output-encoding", "waf"}}, 2},
		{"behind a WAF, a threat it does not filter: base likelihood",
			threats.Threat{STRIDE: id, Targets: []string{"guarded"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3, Mitigations: []string{"access-control"}}, 3},
		{"behind a load balancer behind a WAF, a threat the WAF filters: one step",
			threats.Threat{STRIDE: id, Targets: []string{"pool"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3, Mitigations: []string{"waf"}}, 2},
		{"behind a load balancer behind a WAF, a threat it does not filter: base likelihood",
			threats.Threat{STRIDE: id, Targets: []string{"pool"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3}, 3},
		{"behind an application that handles the request: one step",
			threats.Threat{STRIDE: id, Targets: []string{"back"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3}, 2},
		{"behind two proxies that call each other, a threat a WAF would filter: base likelihood",
			threats.Threat{STRIDE: id, Targets: []string{"looped"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3, Mitigations: []string{"waf"}}, 3},
		{"behind a proxy that authenticates its callers strongly: one step",
			threats.Threat{STRIDE: id, Targets: []string{"staff-app"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3}, 2},
		{"a prompt injection behind an application that passes the text on: base likelihood",
			threats.Threat{STRIDE: id, Targets: []string{"back"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3,
				ATTACK: []threats.Ref{{ID: "AML.T0086"}, {ID: "AML.T0051.001"}}}, 3},
		{"a prompt that makes the model leak data, behind an application: base likelihood",
			threats.Threat{STRIDE: id, Targets: []string{"back"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3,
				ATTACK: []threats.Ref{{ID: "AML.T0057"}}}, 3},
		{"another ATLAS technique behind an application: one step",
			threats.Threat{STRIDE: id, Targets: []string{"back"}, Data: []string{"accounts"}, Likelihood: 3, Impact: 3,
				ATTACK: []threats.Ref{{ID: "AML.T0086"}, {ID: "AML.T0051x"}}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.Assess(&tt.threat)
			if got.Inherent.Likelihood != tt.likelihood {
				t.Errorf("likelihood %d, want %d; factors: %v", got.Inherent.Likelihood, tt.likelihood, got.Factors)
			}
		})
	}
}
