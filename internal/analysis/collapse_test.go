package analysis

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

// TestCollapsedThreatsKeepTheirRegister checks that findings of one concern
// on one element are reported as one threat under the lead's id, whose
// register entry still applies; that an entry under a folded finding's id
// does not close the concern and is reported, not silently ignored; and
// that the strictest appetite of the members applies.
func TestCollapsedThreatsKeepTheirRegister(t *testing.T) {
	concern := func(r threats.Rule, cat string) threats.Rule {
		r.Concern, r.Category = "authentication", cat
		return r
	}
	rules := []threats.Rule{
		concern(tagRule("no-auth", "x", model.Spoofing, 4, 4), ""),
		concern(tagRule("no-mfa", "x", model.Spoofing, 3, 4), "privacy"),
		concern(tagRule("weak-auth", "x", model.Spoofing, 3, 3), ""),
		tagRule("other", "x", model.Tampering, 3, 3),
	}
	m := load(t, `
rampart: 1
system: {id: s, name: S, risk_owner: sro}
risk_appetite: {max_severity: high, by_category: {privacy: low}}
components:
  - {id: a, type: web-application, internet_facing: true, tags: [x]}
  - {id: b, type: web-application, internet_facing: true, tags: [x]}
treatments:
  - {threat: no-mfa@a, status: false-positive, justification: SSO enforces it}
  - {threat: no-auth@b, status: mitigating, owner: ann}
  - {threat: weak-auth@b, status: false-positive, justification: stale}
`)
	r := Analyze(m, Options{Rules: rules, Now: asOf})
	got := map[string]string{}
	for _, f := range r.Findings {
		got[f.ID] = string(f.Treatment.Status) + " key=" + f.Treatment.Key + " limit=" + string(f.Limit) + " related=" + strings.Join(f.RelatedIDs(), ",")
	}
	want := map[string]string{
		"no-auth@a": "open key= limit=low related=no-mfa@a,weak-auth@a",
		"no-auth@b": "mitigating key=no-auth@b limit=low related=no-mfa@b,weak-auth@b",
		"other@a":   "open key= limit=high related=",
		"other@b":   "open key= limit=high related=",
	}
	if len(got) != len(want) {
		t.Errorf("threats %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: got %q, want %q", id, got[id], w)
		}
	}
	for _, want := range []string{"treatment for 'weak-auth@b' does not apply: that finding is reported as part of threat 'no-auth@b'",
		"treatment for 'no-mfa@a' does not apply: that finding is reported as part of threat 'no-auth@a'"} {
		found := false
		for _, w := range r.Warnings {
			found = found || strings.Contains(w.Message, want)
		}
		if !found {
			t.Errorf("no warning %q in %v", want, r.Warnings)
		}
	}
}
