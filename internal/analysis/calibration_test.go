package analysis_test

import (
	"context"
	"testing"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
)

// calibrationModel holds top-rated data (card numbers) in an
// internet-facing web application, and an LLM whose prompts are secret but
// of little integrity value: the rules' impacts on it
// show whether a rule weighs the data once (risk scoring's one step above
// the rule's base) and what each rule's base puts at stake.
const calibrationModel = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, classification: restricted, quantity: very-many, cia: {confidentiality: critical, integrity: critical, availability: high}}
  - {id: prompts, classification: restricted, cia: {confidentiality: critical, integrity: low, availability: low}}
components:
  - {id: user, type: user}
  - {id: web, type: web-application, internet_facing: true, custom_code: true, processes: [cards]}
  - {id: db, type: database, stores: [cards]}
  - {id: llm, type: llm, processes: [prompts]}
flows:
  - {id: u-w, from: user, to: web, protocol: https, data_sent: [cards]}
  - {id: w-d, from: web, to: db, protocol: sql, encryption: tls, data_sent: [cards]}
  - {id: w-l, from: web, to: llm, protocol: https, data_sent: [prompts]}
`

// TestRuleImpactCalibration checks the impact of rules whose base scores
// were calibrated: each against the reference that sets it.
func TestRuleImpactCalibration(t *testing.T) {
	m, problems, err := model.LoadBytes(context.Background(), "m.yaml", []byte(calibrationModel), model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("model: %v %v", err, problems)
	}
	r := analysis.Analyze(m, analysis.Options{Now: evalDate})
	tests := []struct {
		id         string
		likelihood int // 0: not checked
		impact     int
		why        string
	}{
		// Threagile: low impact, medium for strictly confidential or
		// mission-critical data; the data's step is risk scoring's, not
		// the rule's as well.
		{"missing-hardening@web", 0, 3, "hardening: base 2, one step for the card data"},
		// Script acts in one user's session: base 3, one step for the data.
		{"cross-site-scripting@web", 0, 4, "XSS: base 3, one step for the card data"},
		// OWASP Top 10:2021 A09 has the lowest average weighted impact
		// (4.99) of the ten: a detection gap, not a way in.
		{"missing-audit-logging@web", 0, 3, "audit logging: base 2, one step for the card data"},
		// A backdoored model or a malicious conversion step runs code
		// where the model runs (CWE-494: execute unauthorised code), so
		// confidentiality is at stake, not only the model's integrity.
		// Every model sits behind the components that call it, so the
		// reachability step always applies: base likelihood 3, 2 after it
		// (with base 2 every model's supply chain was rare).
		{"model-supply-chain@llm", 2, 4, "model supply chain: base 3×3, one step down for reach, one up for the prompts' confidentiality"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			for _, f := range r.Findings {
				if f.ID == tt.id {
					if f.Inherent.Impact != tt.impact || tt.likelihood != 0 && f.Inherent.Likelihood != tt.likelihood {
						t.Errorf("%s: %d×%d, want likelihood %d (0: any), impact %d (%s); factors: %v", tt.id,
							f.Inherent.Likelihood, f.Inherent.Impact, tt.likelihood, tt.impact, tt.why, f.Factors)
					}
					return
				}
			}
			t.Fatalf("no finding %s", tt.id)
		})
	}
}
