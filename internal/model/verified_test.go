package model

import (
	"context"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/source"
)

// TestVerifiedByAndItsOldName checks that checked_by, the old name of
// verified_by, is still read and never silently: it is a deprecated_key
// warning, and an error when it disagrees with verified_by.
func TestVerifiedByAndItsOldName(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
threats:
  - {id: T1, title: Manual, targets: [web]}
components:
  - {id: web, type: web-application}
treatments:
`
	cases := []struct {
		name     string
		entry    string
		verifier string
		want     string // a problem's "severity code: message" part; "" for none
	}{
		{"new key", `{threat: T1, status: mitigated, evidence: e, verified_by: ann}`, "ann", ""},
		{"old key still read, with a warning", `{threat: T1, status: mitigated, evidence: e, checked_by: ann}`, "ann",
			"warning deprecated_key: checked_by is the old name of verified_by"},
		{"both, agreeing", `{threat: T1, status: mitigated, evidence: e, checked_by: ann, verified_by: ann}`, "ann",
			"warning deprecated_key: checked_by is the old name of verified_by"},
		{"both, disagreeing", `{threat: T1, status: mitigated, evidence: e, checked_by: bob, verified_by: ann}`, "ann",
			"error deprecated_key: checked_by 'bob' and verified_by 'ann' disagree"},
		{"neither: only claimed", `{threat: T1, status: mitigated, evidence: e}`, "",
			"warning invalid: a mitigation without evidence and verified_by is only claimed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, problems, err := LoadBytes(context.Background(), "m.yaml", []byte(head+"  - "+c.entry+"\n"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Treatments[0].Verifier(); got != c.verifier {
				t.Errorf("Verifier() = %q, want %q", got, c.verifier)
			}
			var got []string
			for _, p := range problems {
				sev := "error"
				if p.Severity == source.Warning {
					sev = "warning"
				}
				got = append(got, sev+" "+string(p.Code)+": "+p.Message)
			}
			if c.want == "" && len(got) > 0 {
				t.Errorf("want no problems, got %q", got)
			}
			if c.want != "" && (len(got) != 1 || !strings.HasPrefix(got[0], c.want)) {
				t.Errorf("want one problem %q, got %q", c.want, got)
			}
		})
	}
}
