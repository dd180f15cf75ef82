package builtin

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/threats"
)

// TestMethodology checks which rules run under each methodology: LINDDUN
// rules by default only when personal data exists, and a methodology list
// that leaves one out runs none of its rules (model-quality rules always run).
func TestMethodology(t *testing.T) {
	const base = `rampart: 1
system: {id: s, name: S}
%s
data:
  - {id: p, name: Profiles, classification: confidential, personal: %s}
components:
  - {id: user, type: user}
  - {id: browser, type: browser, human_use: true}
  - {id: app, type: web-application, internet_facing: true, custom_code: true, processes: [p]}
  - {id: logs, type: log-store, stores: [p]}
flows:
  - {id: use, from: user, to: browser, protocol: in-process}
  - {id: visit, from: browser, to: app, protocol: https, authentication: session, data_sent: [p]}
  - {id: log, from: app, to: logs, protocol: https, authentication: token, data_sent: [p]}
`
	tests := []struct {
		name, methodology, personal string
		stride, linddun             bool
	}{
		{"default with personal data", "", "true", true, true},
		{"default without personal data", "", "false", true, false},
		{"stride only", "methodology: [stride]", "true", true, false},
		{"linddun only", "methodology: [linddun]", "true", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := loadModel(t, tc.name, fmt.Sprintf(base, tc.methodology, tc.personal))
			var stride, linddun bool
			for _, th := range threats.Identify(m, Rules()) {
				if th.ModelWarning() {
					continue
				}
				stride = stride || len(th.STRIDE) > 0 && len(th.LINDDUN) == 0
				linddun = linddun || len(th.LINDDUN) > 0
			}
			if stride != tc.stride || linddun != tc.linddun {
				t.Errorf("STRIDE threats %v (want %v), LINDDUN threats %v (want %v)", stride, tc.stride, linddun, tc.linddun)
			}
		})
	}
}

// TestPrivacyRulesHaveLINDDUN checks that every rule about personal data
// (the privacy category, or exposure of personal information, CWE-359)
// carries a LINDDUN category, so that it counts under the privacy
// methodology.
func TestPrivacyRulesHaveLINDDUN(t *testing.T) {
	n := 0
	for _, r := range Rules() {
		if r.Category != "privacy" && !slices.Contains(r.CWE, 359) {
			continue
		}
		n++
		if len(r.LINDDUN) == 0 {
			t.Errorf("%s concerns personal data but has no LINDDUN category", r.ID)
		}
	}
	if n == 0 {
		t.Error("no privacy rule found: the test checks nothing")
	}
}
