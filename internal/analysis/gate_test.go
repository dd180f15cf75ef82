package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/threats"
)

// gateModel has one internet-facing app per way of trying to pass the gate;
// rule-x raises one high threat (3×4) on each of them, CWE-89.
const gateModel = `
rampart: 1
system: {id: s, name: S, risk_owner: sro}
risk_appetite: {max_severity: medium}
data:
  - {id: secrets, classification: restricted, cia: {integrity: high}}
controls:
  - {id: no-effect, name: Looks good on paper, status: implemented, mitigates: [rule-x], effect: {likelihood: 0, impact: 0}}
  - {id: whole-category, name: Claims all tampering, status: implemented, mitigates: [tampering]}
  - {id: by-class, name: Prepared statements, status: implemented, mitigates: [CWE-89], effect: {likelihood: 2}}
  - {id: by-rule, name: Prepared statements, status: implemented, mitigates: [rule-x], effect: {likelihood: 2}}
  - {id: weak, name: Code review, status: implemented, mitigates: [rule-x], effect: {likelihood: 1}}
  - {id: planned-fix, name: Prepared statements, status: planned, mitigates: [rule-x], effect: {likelihood: 2}}
components:
  - {id: open-app, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: label-only, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: verified, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: zero-effect, type: web-application, internet_facing: true, processes: [secrets], tags: [x], controls: [no-effect]}
  - {id: stride-only, type: web-application, internet_facing: true, processes: [secrets], tags: [x], controls: [whole-category]}
  - {id: cwe-class, type: web-application, internet_facing: true, processes: [secrets], tags: [x], controls: [by-class]}
  - {id: rule-named, type: web-application, internet_facing: true, processes: [secrets], tags: [x], controls: [by-rule]}
  - {id: not-enough, type: web-application, internet_facing: true, processes: [secrets], tags: [x], controls: [weak]}
  - {id: only-planned, type: web-application, internet_facing: true, processes: [secrets], tags: [x], controls: [planned-fix]}
  - {id: evidence-only, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: verifier-only, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: blank-evidence, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
  - {id: old-key, type: web-application, internet_facing: true, processes: [secrets], tags: [x]}
treatments:
  - {threat: rule-x@label-only, status: mitigated}
  - {threat: rule-x@verified, status: mitigated, evidence: 'pen-test 2026-11, finding 4 retested', verified_by: appsec}
  - {threat: rule-x@evidence-only, status: mitigated, evidence: 'pen-test 2026-11'}
  - {threat: rule-x@verifier-only, status: mitigated, verified_by: appsec}
  - {threat: rule-x@blank-evidence, status: mitigated, evidence: '  ', verified_by: appsec}
  - {threat: rule-x@old-key, status: mitigated, evidence: 'pen-test 2026-11', checked_by: appsec}
`

// TestGateBypasses checks that no label, claim or empty control passes the
// gate: only controls that are implemented, have an effect and address the
// threat lower its residual risk, and a threat still above the appetite
// after its controls fails the gate.
func TestGateBypasses(t *testing.T) {
	m := load(t, gateModel)
	r := Analyze(m, Options{Rules: []threats.Rule{tagRule("rule-x", "x", model.Tampering, 3, 3)}, Now: asOf})
	// The tag rule carries no CWE; give it one to test class matches.
	r2 := Analyze(m, Options{Rules: []threats.Rule{withCWE(tagRule("rule-x", "x", model.Tampering, 3, 3), 89)}, Now: asOf})
	got := map[string]string{}
	for _, f := range r2.Findings {
		got[f.ID] = fmt.Sprintf("%s/%s/breach=%v", f.Residual.Severity, f.Treatment.Status, f.Breach)
	}
	want := map[string]string{
		"rule-x@open-app":       "high/open/breach=true",
		"rule-x@label-only":     "high/claimed/breach=true",      // mitigated without evidence and verified_by is only claimed
		"rule-x@evidence-only":  "high/claimed/breach=true",      // evidence nobody verified
		"rule-x@verifier-only":  "high/claimed/breach=true",      // a verifier without evidence
		"rule-x@blank-evidence": "high/claimed/breach=true",      // blanks are no evidence
		"rule-x@verified":       "medium/mitigated/breach=false", // a verified mitigation counts as one step, and the gate still applies
		"rule-x@old-key":        "medium/mitigated/breach=false", // checked_by, the old name of verified_by, still counts (with a warning)
		"rule-x@zero-effect":    "high/open/breach=true",         // a control with no effect addresses nothing
		"rule-x@stride-only":    "high/open/breach=true",         // a whole STRIDE category is not the threat
		"rule-x@cwe-class":      "low/mitigated/breach=false",    // the threat's CWE class, effect 2
		"rule-x@rule-named":     "low/mitigated/breach=false",    // the rule by id, effect 2
		"rule-x@not-enough":     "medium/mitigated/breach=false",
		"rule-x@only-planned":   "high/open/breach=true", // planned controls lower nothing
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: got %s, want %s", id, got[id], w)
		}
	}
	// A claimed mitigation lowers no risk: its residual is its inherent risk.
	for _, f := range r2.Findings {
		if f.Treatment.Claimed && f.Residual != f.Inherent {
			t.Errorf("%s: claimed, yet residual %+v differs from inherent %+v", f.ID, f.Residual, f.Inherent)
		}
	}
	// Without the CWE, the class-named control addresses nothing.
	for _, f := range r.Findings {
		if f.ID == "rule-x@cwe-class" && (!f.Breach || len(f.InPlace) > 0) {
			t.Errorf("%s: a control naming CWE-89 counted for a threat without it: in place %v, breach %v", f.ID, f.InPlace, f.Breach)
		}
	}
}

// TestGateTreatedStillAbove checks that a treated threat whose residual
// risk still exceeds the appetite fails the gate, whether controls or a
// verified mitigation on the register treat it.
func TestGateTreatedStillAbove(t *testing.T) {
	cases := []struct{ name, app, treatments string }{
		{"by a control", "controls: [weak]", ""},
		{"verified on the register", "", "treatments:\n  - {threat: rule-x@app, status: mitigated, evidence: 'retest 2026-11', verified_by: appsec}\n"},
	}
	for _, c := range cases {
		m := load(t, `
rampart: 1
system: {id: s, name: S, risk_owner: sro}
risk_appetite: {max_severity: low}
data:
  - {id: secrets, classification: restricted, cia: {integrity: high}}
controls:
  - {id: weak, name: Code review, status: implemented, mitigates: [rule-x], effect: {likelihood: 1}}
components:
  - {id: app, type: web-application, internet_facing: true, processes: [secrets], tags: [x], `+c.app+`}
`+c.treatments)
		r := Analyze(m, Options{Rules: []threats.Rule{tagRule("rule-x", "x", model.Tampering, 3, 3)}, Now: asOf})
		if len(r.Findings) != 1 {
			t.Fatalf("%s: findings: %v", c.name, r.Findings)
		}
		f := r.Findings[0]
		if f.Treatment.Status != "mitigated" || f.Residual.Severity != "medium" || !f.Breach || r.Summary.Breaches != 1 {
			t.Errorf("%s: status %s, residual %s, breach %v, breaches %d: a treated threat above the appetite must fail the gate",
				c.name, f.Treatment.Status, f.Residual.Severity, f.Breach, r.Summary.Breaches)
		}
	}
}

func withCWE(r threats.Rule, cwe ...int) threats.Rule {
	r.CWE = cwe
	return r
}

// TestMethodologyCannotSkipRequiredRules checks that a model leaving STRIDE
// out of its methodology cannot switch off the rules its central policy
// requires, and that without a policy it says what it leaves out.
func TestMethodologyCannotSkipRequiredRules(t *testing.T) {
	src := `
rampart: 1
methodology: [linddun]
system: {id: s, name: S, risk_owner: sro}
risk_appetite: {max_severity: medium}
data:
  - {id: secrets, classification: restricted, cia: {integrity: high}}
components:
  - {id: app, type: web-application, internet_facing: true, processes: [secrets], tags: [x, y]}
`
	m := load(t, src)
	rules := []threats.Rule{tagRule("rule-x", "x", model.Tampering, 3, 3), tagRule("rule-y", "y", model.Tampering, 3, 3)}
	ids := func(r *Result) string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.ID)
		}
		return fmt.Sprint(out)
	}
	if got := ids(Analyze(m, Options{Rules: rules, Now: asOf})); got != "[]" {
		t.Errorf("without a policy, a linddun-only model runs no STRIDE rule: got %s", got)
	}
	p, problems := policy.Parse("org.yaml", []byte("rampart-policy: 1\nrequired_rules: [rule-x]\n"), nil)
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	r := Analyze(m, Options{Rules: rules, Now: asOf, Policy: p})
	if got := ids(r); got != "[rule-x@app]" {
		t.Errorf("a required rule must run whatever the methodology: got %s", got)
	}
	if len(r.Findings) != 1 || !r.Findings[0].Breach {
		t.Error("the required rule's threat above the appetite must fail the gate")
	}
	var warned bool
	for _, pr := range model.Validate(m, model.Options{}) {
		warned = warned || pr.IsWarning() && strings.Contains(pr.String(), "m.yaml:3:14: warning: methodology: methodology leaves out stride")
	}
	if !warned {
		t.Errorf("no warning that the methodology leaves out stride: %v", model.Validate(m, model.Options{}))
	}
}
