package threats

import (
	"reflect"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// flowRule raises a threat on every flow, recommending the given controls.
func flowRule(id string, mitigations ...string) Rule {
	return Rule{
		Meta: Meta{ID: id, Title: id, STRIDE: []model.STRIDE{model.Tampering}, Likelihood: 2, Impact: 2, Mitigations: mitigations},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				emit(Hit{Targets: []string{f.ID}})
				emit(Hit{Targets: []string{f.ID}, Detail: "again"}) // duplicates merge
			}
		},
	}
}

const engineModel = `
rampart: 1
system: {id: s, name: S}
settings: {disabled_rules: [off-rule]}
data:
  - {id: low, classification: internal}
  - {id: high, classification: restricted}
components:
  - {id: a, type: service, controls: [egress, waf], processes: [low]}
  - {id: b, type: service, controls: [planned-tls], stores: [high, low]}
  - {id: c, type: service, controls: [own-fix, broad]}
controls:
  - {id: egress, catalog: ssrf-protection, status: implemented}
  - {id: planned-tls, catalog: tls, status: planned}
  - {id: own-fix, status: implemented, mitigates: [r-rule]}
  - {id: broad, status: implemented, mitigates: [tampering]}
flows:
  - {id: a-b, from: a, to: b, protocol: https}
  - {id: b-c, from: b, to: c, protocol: https}
threats:
  - {id: T-1, title: Manual one, targets: [b], stride: [spoofing]}
`

func TestIdentifyEngine(t *testing.T) {
	m := load(t, engineModel)
	rules := []Rule{flowRule("r-rule", "ssrf-protection", "tls"), flowRule("off-rule")}
	got := Identify(m, rules)
	var ids []string
	for _, th := range got {
		ids = append(ids, th.ID)
	}
	if want := []string{"T-1", "r-rule@a-b", "r-rule@b-c"}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids %v, want %v (sorted, deduplicated, disabled rule skipped)", ids, want)
	}
	byID := map[string]Threat{}
	for _, th := range got {
		byID[th.ID] = th
	}
	ab := byID["r-rule@a-b"]
	// egress (ssrf-protection) sits on the caller a; planned-tls on the callee b.
	if !reflect.DeepEqual(ab.InPlace, []string{"egress"}) || !reflect.DeepEqual(ab.Planned, []string{"planned-tls"}) {
		t.Errorf("r-rule@a-b in place %v planned %v", ab.InPlace, ab.Planned)
	}
	if ab.Description != "r-rule on a-b. again" {
		t.Errorf("merged description %q", ab.Description)
	}
	// own-fix names the rule; broad names only the rule's STRIDE category, which does not count.
	if bc := byID["r-rule@b-c"]; !reflect.DeepEqual(bc.InPlace, []string{"own-fix"}) || !bc.Mitigated() {
		t.Errorf("r-rule@b-c in place %v", bc.InPlace)
	}
	manual := byID["T-1"]
	if manual.Origin != OriginManual || manual.Likelihood != 3 || !reflect.DeepEqual(manual.Data, []string{"high", "low"}) || manual.Pos.Line == 0 {
		t.Errorf("manual threat %+v", manual)
	}
	if ab.Pos.Line == 0 || ab.Pos.File != "test.yaml" {
		t.Errorf("position %+v", ab.Pos)
	}
}
