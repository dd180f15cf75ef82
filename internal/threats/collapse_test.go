package threats

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

func TestCollapse(t *testing.T) {
	th := func(rule, concern string, l, i int, targets ...string) Threat {
		return Threat{ID: ID(rule, targets), Rule: rule, Origin: OriginRule, Title: rule, Concern: concern, Targets: targets,
			Likelihood: l, Impact: i, STRIDE: []model.STRIDE{model.Spoofing}, CWE: []Ref{{ID: "CWE-" + fmt.Sprint(len(rule))}}}
	}
	mitigated := func(t Threat) Threat { t.InPlace = []string{"mtls"}; return t }
	manual := th("T1", "authentication", 5, 5, "f")
	manual.Origin, manual.ID = OriginManual, "T1"
	dos := th("dos", "", 3, 3, "f")
	dos.STRIDE = []model.STRIDE{model.DenialOfService}
	cases := []struct {
		name string
		in   []Threat
		want []string // "id: related ids"
	}{
		{"same concern on one flow: one threat, led by the highest base rating",
			[]Threat{th("mfa", "authentication", 3, 4, "f"), th("no-auth", "authentication", 4, 4, "f"), th("weak", "authentication", 3, 3, "f")},
			[]string{"no-auth@f: mfa@f weak@f"}},
		{"equal ratings: the lowest rule id leads",
			[]Threat{th("b", "authentication", 3, 3, "f"), th("a", "authentication", 3, 3, "f")},
			[]string{"a@f: b@f"}},
		{"a finding no control addresses leads, whatever its rating",
			[]Threat{mitigated(th("no-auth", "authentication", 4, 4, "f")), th("mfa", "authentication", 3, 4, "f")},
			[]string{"mfa@f: no-auth@f"}},
		{"different elements stay apart",
			[]Threat{th("a", "authentication", 3, 3, "f"), th("b", "authentication", 3, 3, "g")},
			[]string{"a@f:", "b@g:"}},
		{"different concerns and no concern stay apart",
			[]Threat{th("a", "authentication", 3, 3, "f"), th("b", "logging", 3, 3, "f"), dos},
			[]string{"a@f:", "b@f:", "dos@f:"}},
		{"manual threats are never folded",
			[]Threat{manual, th("a", "authentication", 3, 3, "f")},
			[]string{"T1:", "a@f:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.in)
			slices.SortFunc(in, func(a, b Threat) int { return strings.Compare(a.ID, b.ID) })
			var got []string
			for _, o := range Collapse(in) {
				got = append(got, strings.TrimSpace(o.ID+": "+strings.Join(o.RelatedIDs(), " ")))
			}
			for i := range c.want {
				c.want[i] = strings.TrimSpace(c.want[i])
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestCollapseKeepsWhatWasFolded checks that the lead takes the folded
// findings' categories and references, while Own still gives the lead as
// its rule raised it.
func TestCollapseKeepsWhatWasFolded(t *testing.T) {
	a := Threat{ID: "a@f", Rule: "a", Origin: OriginRule, Concern: "c", Targets: []string{"f"}, Likelihood: 4, Impact: 4,
		STRIDE: []model.STRIDE{model.Spoofing}, CWE: []Ref{{ID: "CWE-306"}}, Mitigations: []string{"mtls"}}
	b := Threat{ID: "b@f", Rule: "b", Origin: OriginRule, Concern: "c", Targets: []string{"f"}, Likelihood: 3, Impact: 4, Description: "no second factor",
		STRIDE: []model.STRIDE{model.ElevationOfPrivilege}, CWE: []Ref{{ID: "CWE-308"}, {ID: "CWE-306"}}, ATTACK: []Ref{{ID: "T1110"}}, Mitigations: []string{"mfa"}}
	out := Collapse([]Threat{a, b})
	if len(out) != 1 {
		t.Fatalf("got %d threats", len(out))
	}
	l := &out[0]
	refs := func(rs []Ref) (s []string) {
		for _, r := range rs {
			s = append(s, r.ID)
		}
		return s
	}
	if got := fmt.Sprint(l.STRIDE, refs(l.CWE), refs(l.ATTACK), l.Mitigations); got != "[spoofing elevation-of-privilege] [CWE-306 CWE-308] [T1110] [mtls mfa]" {
		t.Errorf("lead after folding: %s", got)
	}
	if len(l.Related) != 1 || l.Related[0].Description != "no second factor" || refs(l.Related[0].CWE)[0] != "CWE-308" {
		t.Errorf("related: %+v", l.Related)
	}
	if own := l.Own(); own.ID != "a@f" || len(own.CWE) != 1 || len(own.STRIDE) != 1 || len(own.Related) != 0 {
		t.Errorf("Own: %+v", own)
	}
	if len(a.CWE) != 1 || len(a.STRIDE) != 1 {
		t.Errorf("the input's shared slices were changed: %v %v", a.CWE, a.STRIDE)
	}
}
