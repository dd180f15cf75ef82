package threats

import (
	"slices"
	"testing"
)

func TestCountermeasures(t *testing.T) {
	tests := []struct {
		name       string
		techniques []string
		controls   []string
		has        []string
		hasNot     []string
		first      string
	}{
		{name: "technique", techniques: []string{"T1078"}, has: []string{"M1032", "D3-MFA"}, first: CounterATTACK},
		{name: "control", controls: []string{"mfa", "tls"}, has: []string{"D3-MFA", "D3-MENCR"}, hasNot: []string{"M1032"}, first: CounterD3FEND},
		{name: "atlas technique", techniques: []string{"AML.T0051"}, has: []string{"AML.M0020", "AML.M0033"}, first: CounterATLAS},
		{name: "atlas sub-technique takes its parent's", techniques: []string{"AML.T0010.005"}, has: []string{"AML.M0014", "AML.M0023"}, first: CounterATLAS},
		{name: "atlas technique without mitigations", techniques: []string{"AML.T0070"}},
		{name: "attack before atlas", techniques: []string{"AML.T0051", "T1078"}, has: []string{"M1032", "AML.M0020"}, first: CounterATTACK},
		{name: "unknown ids", techniques: []string{"T9999"}, controls: []string{"no-such-control"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Countermeasures(tc.techniques, tc.controls)
			ids := map[string]Countermeasure{}
			for _, c := range got {
				if _, dup := ids[c.ID]; dup {
					t.Errorf("%s listed twice", c.ID)
				}
				ids[c.ID] = c
				if c.Name == "" || len(c.For) == 0 {
					t.Errorf("%s: name %q, for %v", c.ID, c.Name, c.For)
				}
			}
			for _, id := range tc.has {
				if _, ok := ids[id]; !ok {
					t.Errorf("%s missing from %v", id, got)
				}
			}
			for _, id := range tc.hasNot {
				if _, ok := ids[id]; ok {
					t.Errorf("%s listed", id)
				}
			}
			if tc.first != "" && (len(got) == 0 || got[0].Kind != tc.first) {
				t.Errorf("first kind: %v", got)
			}
			for i := 1; i < len(got); i++ {
				if counterOrder[got[i-1].Kind] > counterOrder[got[i].Kind] {
					t.Errorf("%s (%s) before %s (%s)", got[i-1].ID, got[i-1].Kind, got[i].ID, got[i].Kind)
				}
			}
			if tc.has == nil && len(got) > 0 {
				t.Errorf("countermeasures %v, want none", got)
			}
		})
	}
	both := Countermeasures([]string{"T1078"}, []string{"mfa"})
	i := slices.IndexFunc(both, func(c Countermeasure) bool { return c.ID == "D3-MFA" })
	if i < 0 || !slices.Equal(both[i].For, []string{"T1078", "mfa"}) {
		t.Errorf("D3-MFA for T1078 and mfa: %+v", both)
	}
}
