package threats

import "testing"

func TestAccidentalSecretLeak(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: code, classification: internal}
`
	tests := []struct {
		name    string
		comps   string
		want    []string
		inPlace bool
	}{
		{"source repository", "components:\n  - {id: repo, type: source-repository, stores: [code]}\n", []string{"accidental-secret-leak@repo"}, false},
		{"git by technology", "components:\n  - {id: repo, type: process, technology: sourcecode-repository}\n", []string{"accidental-secret-leak@repo"}, false},
		{"artifact registry", "components:\n  - {id: reg, type: artifact-registry}\n", []string{"accidental-secret-leak@reg"}, false},
		{"out of scope repository", "components:\n  - {id: repo, type: source-repository, out_of_scope: true}\n", nil, false},
		{"plain database", "components:\n  - {id: db, type: database, stores: [code]}\n", nil, false},
		{"secret scanning in place", "components:\n  - {id: repo, type: source-repository, controls: [secret-scanning]}\n", []string{"accidental-secret-leak@repo"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectHits(t, "accidental-secret-leak", head+tt.comps, tt.want...)
			if tt.inPlace {
				expectInPlace(t, "accidental-secret-leak", head+tt.comps, tt.want[0], "secret-scanning")
			}
		})
	}
}
