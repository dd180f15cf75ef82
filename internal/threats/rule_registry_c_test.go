package threats

import (
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
)

// rulesC lists the rules on logging and monitoring, administration,
// backups, CI/CD and supply chain, privacy, abuse and tenant isolation.
var rulesC = []string{
	"missing-audit-logging",
	"missing-security-monitoring",
	"admin-interface-without-mfa",
	"admin-interface-exposed",
	"missing-backup",
	"unencrypted-backups",
	"secrets-in-ci-cd",
	"supply-chain-dependency-risk",
	"personal-data-without-privacy-controls",
	"personal-data-to-third-party",
	"personal-data-unencrypted-at-rest",
	"sensitive-data-in-logs",
	"missing-rate-limiting",
	"weak-authentication-internet",
	"overprivileged-datastore-access",
	"insecure-iot-channel",
	"multi-tenant-data-isolation",
}

func TestRegistryC(t *testing.T) {
	if err := CheckRegistry(Builtin()); err != nil {
		t.Fatal(err)
	}
	for _, id := range rulesC {
		r, ok := Lookup(id)
		if !ok {
			t.Errorf("rule %s is not registered", id)
			continue
		}
		if len(r.Mitigations) == 0 || len(r.References) == 0 {
			t.Errorf("rule %s: mitigations and references are required", id)
		}
		for _, c := range r.Mitigations {
			if _, ok := catalog.LookupControl(c); !ok {
				t.Errorf("rule %s: mitigation %q is not a catalog control", id, c)
			}
		}
	}
}

// ruleCase is one model a rule is run on and what it must raise.
type ruleCase struct {
	name string
	src  string
	// want lists the exact threat ids the rule raises.
	want []string
	// inPlace maps a threat id to the controls it must report as in place.
	inPlace map[string][]string
	// detail maps a threat id to words its description must contain.
	detail map[string][]string
	// absent maps a threat id to words its description must not contain.
	absent map[string][]string
}

// runRuleCases runs a rule over each case's model and checks the threats it raises.
func runRuleCases(t *testing.T, ruleID string, cases []ruleCase) {
	t.Helper()
	r, ok := Lookup(ruleID)
	if !ok {
		t.Fatalf("no rule %s", ruleID)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			byID := map[string]Threat{}
			var got []string
			for _, th := range Identify(load(t, tc.src), []Rule{r}) {
				if th.Rule == ruleID {
					got = append(got, th.ID)
					byID[th.ID] = th
				}
			}
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: got threats %v, want %v", ruleID, got, want)
			}
			for id, controls := range tc.inPlace {
				th := byID[id]
				if !slices.Equal(th.InPlace, controls) {
					t.Errorf("%s: controls in place %v, want %v", id, th.InPlace, controls)
				}
				if th.Mitigated() != (len(controls) > 0) {
					t.Errorf("%s: mitigated = %v with controls %v", id, th.Mitigated(), controls)
				}
			}
			for id, words := range tc.detail {
				for _, w := range words {
					if !strings.Contains(byID[id].Description, w) {
						t.Errorf("%s: description %q does not mention %q", id, byID[id].Description, w)
					}
				}
			}
			for id, words := range tc.absent {
				for _, w := range words {
					if strings.Contains(byID[id].Description, w) {
						t.Errorf("%s: description %q mentions %q", id, byID[id].Description, w)
					}
				}
			}
		})
	}
}
