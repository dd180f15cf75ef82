package analysis

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

var asOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func load(t testing.TB, src string) *model.Model {
	t.Helper()
	m, problems, err := model.LoadBytes(context.Background(), "m.yaml", []byte(src), model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("model: %v %v", err, problems.Errors())
	}
	return m
}

// rule returns a minimal rule that raises a threat on every component with the tag.
func tagRule(id, tag string, stride model.STRIDE, l, i int, mitigations ...string) threats.Rule {
	r := threats.Rule{Meta: threats.Meta{ID: id, Title: id, STRIDE: []model.STRIDE{stride}, Likelihood: l, Impact: i, Mitigations: mitigations}}
	r.Check = func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.HasTag(c.Tags, tag) {
				emit(threats.Hit{Targets: []string{c.ID}})
			}
		}
	}
	return r
}

const appetiteModel = `
rampart: 1
system: {id: s, name: S, risk_owner: sro}
risk_appetite: {max_severity: medium, by_category: {denial-of-service: high}}
data:
  - {id: secrets, classification: restricted, cia: {confidentiality: critical, integrity: high, availability: high}}
components:
  - {id: open-app, type: web-application, internet_facing: true, processes: [secrets], tags: [t]}
  - {id: accepted-app, type: web-application, internet_facing: true, processes: [secrets], tags: [t]}
  - {id: expired-app, type: web-application, internet_facing: true, processes: [secrets], tags: [t]}
  - {id: guarded-app, type: web-application, internet_facing: true, processes: [secrets], tags: [t], controls: [waf]}
  - {id: busy-app, type: web-application, internet_facing: true, processes: [secrets], tags: [d]}
treatments:
  - {threat: rule-t@accepted-app, status: accepted, accepted_by: sro, justification: compensating process, expires: 2027-01-31}
  - {threat: rule-t@expired-app, status: accepted, accepted_by: sro, justification: old decision, expires: 2026-01-31}
  - {threat: rule-t@busy-app, status: open}
`

// The model names an element that does not exist in the last treatment on purpose:
// the loader rejects that, so the test strips it and checks the unmatched warning separately.
func TestAppetiteAndTreatments(t *testing.T) {
	src := strings.Replace(appetiteModel, "  - {threat: rule-t@gone-app-typo, status: open}\n", "  - {threat: rule-t@busy-app, status: open}\n", 1)
	m := load(t, src)
	rules := []threats.Rule{
		tagRule("rule-t", "t", model.Tampering, 3, 3, "waf"),
		tagRule("rule-d", "d", model.DenialOfService, 3, 3),
	}
	r := Analyze(m, Options{Rules: rules, Now: asOf})
	got := map[string]string{}
	for _, f := range r.Findings {
		got[f.ID] = fmt.Sprintf("%s/%s/%s/breach=%v", f.Residual.Severity, f.Limit, f.Treatment.Status, f.Breach)
	}
	want := map[string]string{
		// rule base likelihood 3 on an internet-facing app, impact from
		// integrity high (4), within one step of the base: 3×4 high > medium.
		"rule-t@open-app":     "high/medium/open/breach=true",
		"rule-t@accepted-app": "high/medium/accepted/breach=false",
		"rule-t@expired-app":  "high/medium/accepted/breach=true",
		// waf in place: mitigated by control, residual 2×4 medium, within the appetite.
		"rule-t@guarded-app": "medium/medium/mitigated/breach=false",
		// denial of service has its own, looser limit: 3×4 high is within high.
		"rule-d@busy-app": "high/high/open/breach=false",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: got %s, want %s", id, got[id], w)
		}
	}
	if len(r.Findings) != len(want) {
		t.Errorf("got %d findings, want %d: %v", len(r.Findings), len(want), got)
	}
	if r.Summary.Breaches != 2 || r.Summary.ExpiredAcceptances != 1 || r.Summary.Open != 3 {
		t.Errorf("summary: %+v", r.Summary)
	}
	var expiredWarning, unmatched bool
	for _, w := range r.Warnings {
		expiredWarning = expiredWarning || strings.Contains(w.Message, "rule-t@expired-app expired on 2026-01-31")
		unmatched = unmatched || strings.Contains(w.Message, "rule-t@busy-app")
	}
	if !expiredWarning || !unmatched {
		t.Errorf("warnings missing (expired %v, unmatched %v): %v", expiredWarning, unmatched, r.Warnings)
	}
	if b := r.Breaches(); len(b) != 2 || b[0].ID != "rule-t@expired-app" {
		t.Errorf("breaches: %v", b)
	}
	// Five processes, six STRIDE categories each; tampering is open on three
	// (the guarded one is mitigated), denial of service open on busy-app.
	if len(r.Stride) != 30 {
		t.Errorf("got %d STRIDE cells, want 30", len(r.Stride))
	}
	if c := r.Summary.Coverage[model.Tampering]; c["open"] != 3 || c["mitigated"] != 1 || c["no-threat"] != 1 {
		t.Errorf("tampering coverage %v", c)
	}
	if c := r.Summary.Coverage[model.DenialOfService]; c["open"] != 1 || c["no-threat"] != 4 {
		t.Errorf("denial-of-service coverage %v", c)
	}
}

func TestThreagileAliasesMatchRegister(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: s, name: S}
components:
  - {id: app, type: service, tags: [t]}
treatments:
  - {threat: old-name@app, status: false-positive, justification: reviewed}
`)
	r := tagRule("new-name", "t", model.Tampering, 2, 2)
	r.Threagile = []string{"old-name"}
	res := Analyze(m, Options{Rules: []threats.Rule{r}, Now: asOf})
	if len(res.Findings) != 1 || res.Findings[0].Treatment.Status != "false-positive" || res.Findings[0].Treatment.Key != "old-name@app" {
		t.Fatalf("the Threagile-keyed treatment did not apply: %+v", res.Findings)
	}
}

func TestNoAppetiteWarns(t *testing.T) {
	m := load(t, "rampart: 1\nsystem: {id: s, name: S}\n")
	r := Analyze(m, Options{Now: asOf})
	if r.Appetite.Declared || r.Appetite.MaxSeverity != "medium" || len(r.Warnings) != 1 {
		t.Errorf("appetite %+v warnings %v", r.Appetite, r.Warnings)
	}
}

// TestIdentifyApartSplitsIdentify checks that the threats and the model
// warnings IdentifyApart returns are Identify's findings, split by
// ModelWarning, each list in Identify's order.
func TestIdentifyApartSplitsIdentify(t *testing.T) {
	m := Generate(600)
	env := threats.NewEnv(m)
	all := env.Identify(builtin.Rules())
	found, warnings := env.IdentifyApart(builtin.Rules())
	if len(found) == 0 || len(warnings) == 0 {
		t.Fatalf("%d threats and %d model warnings: the model needs both", len(found), len(warnings))
	}
	var wantFound, wantWarnings []threats.Threat
	for _, th := range all {
		if th.ModelWarning() {
			wantWarnings = append(wantWarnings, th)
		} else {
			wantFound = append(wantFound, th)
		}
	}
	for _, l := range []struct {
		name      string
		got, want []threats.Threat
	}{{"threats", found, wantFound}, {"model warnings", warnings, wantWarnings}} {
		if !reflect.DeepEqual(l.got, l.want) {
			t.Errorf("%s: IdentifyApart gives %d, Identify %d, or they differ", l.name, len(l.got), len(l.want))
		}
	}
}
