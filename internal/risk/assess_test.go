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
