package threats

import (
	"slices"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Related is a finding folded into another threat by Collapse: a second
// rule's view of the same concern on the same elements.
type Related struct {
	// ID is the folded finding's own stable id; a register entry under it
	// still applies to the threat it was folded into.
	ID          string         `json:"id"`
	Rule        string         `json:"rule"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	STRIDE      []model.STRIDE `json:"stride"`
	Category    string         `json:"category,omitempty"`
	CWE         []Ref          `json:"cwe,omitempty"`
	CAPEC       []Ref          `json:"capec,omitempty"`
	ATTACK      []Ref          `json:"attack,omitempty"`
	Threagile   []string       `json:"threagile,omitempty"`
}

// Own returns the threat as its rule raised it, before Collapse folded
// related findings into it (the threat itself when nothing was folded).
func (t *Threat) Own() *Threat {
	if t.own != nil {
		return t.own
	}
	return t
}

// Collapse folds findings of the same concern on the same elements into
// one threat, so that three rules saying "this flow is not authenticated
// well enough" make one threat with three details, not three threats. Rules
// share a concern when their metadata names the same concern; threats
// without one, manual threats and model warnings are never folded.
//
// The lead of a group is the finding that no implemented control
// addresses, then the one with the highest base rating (likelihood ×
// impact), then the lowest rule id: the same model always gives the same
// lead, and the collapsed threat keeps the lead's stable id, so register
// entries under it still match. The register entry of the concern is the
// lead's: an entry under a folded finding's id does not close the concern
// (treating its mildest view would otherwise pass the gate); the analysis
// reports such an entry with the id to move it to. The others become its Related entries; their STRIDE
// categories, CWE, CAPEC and ATT&CK references, recommended controls and
// Threagile ids are added to the lead's, so that matrices, mappings and
// detections still see them. The lead's targets, data, base ratings and
// controls in place stand for the group: the worst view of the concern
// decides its risk. The input must be sorted by id (as Identify returns
// it); so is the output.
func Collapse(ts []Threat) []Threat {
	groups := map[string][]int{}
	for i := range ts {
		t := &ts[i]
		if t.Concern == "" || t.Origin == OriginManual || t.ModelWarning() {
			continue
		}
		k := t.Concern + "\x00" + strings.Join(t.Targets, "\x00")
		groups[k] = append(groups[k], i)
	}
	fold := map[int]bool{}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		lead := g[0]
		for _, i := range g[1:] {
			if leads(&ts[i], &ts[lead]) {
				lead = i
			}
		}
		l := &ts[lead]
		own := *l
		own.own = nil
		l.own = &own
		l.STRIDE = slices.Clone(l.STRIDE)
		l.CWE, l.CAPEC, l.ATTACK = slices.Clone(l.CWE), slices.Clone(l.CAPEC), slices.Clone(l.ATTACK)
		l.Mitigations, l.Threagile = slices.Clone(l.Mitigations), slices.Clone(l.Threagile)
		for _, i := range g {
			if i == lead {
				continue
			}
			o := &ts[i]
			fold[i] = true
			l.Related = append(l.Related, Related{ID: o.ID, Rule: o.Rule, Title: o.Title, Description: o.Description,
				STRIDE: o.STRIDE, Category: o.Category, CWE: o.CWE, CAPEC: o.CAPEC, ATTACK: o.ATTACK, Threagile: o.Threagile})
			l.STRIDE = union(l.STRIDE, o.STRIDE)
			l.CWE = unionRefs(l.CWE, o.CWE)
			l.CAPEC = unionRefs(l.CAPEC, o.CAPEC)
			l.ATTACK = unionRefs(l.ATTACK, o.ATTACK)
			l.Mitigations = union(l.Mitigations, o.Mitigations)
			l.Threagile = union(l.Threagile, o.Threagile)
		}
		slices.SortFunc(l.Related, func(a, b Related) int { return strings.Compare(a.ID, b.ID) })
	}
	if len(fold) == 0 {
		return ts
	}
	out := ts[:0]
	for i := range ts {
		if !fold[i] {
			out = append(out, ts[i])
		}
	}
	return out
}

// leads reports whether a should lead a group rather than b: a finding no
// implemented control addresses, then the higher base rating, then the
// lower rule id.
func leads(a, b *Threat) bool {
	if ma, mb := a.Mitigated(), b.Mitigated(); ma != mb {
		return !ma
	}
	if pa, pb := a.Likelihood*a.Impact, b.Likelihood*b.Impact; pa != pb {
		return pa > pb
	}
	return a.Rule < b.Rule
}

// RelatedIDs returns the ids of the findings folded into the threat.
func (t *Threat) RelatedIDs() []string {
	out := make([]string, len(t.Related))
	for i, r := range t.Related {
		out[i] = r.ID
	}
	return out
}

func union[T comparable](a, b []T) []T {
	for _, v := range b {
		if !slices.Contains(a, v) {
			a = append(a, v)
		}
	}
	return a
}

func unionRefs(a, b []Ref) []Ref {
	for _, r := range b {
		if !slices.ContainsFunc(a, func(x Ref) bool { return x.ID == r.ID }) {
			a = append(a, r)
		}
	}
	return a
}
