package catalog

import (
	"regexp"
	"slices"
	"testing"
)

// TestATLASMitigationLinks checks the ATLAS table against itself: every
// mitigation id is well formed and named once, and every technique linked to
// mitigations and every mitigation linked exists in the table.
func TestATLASMitigationLinks(t *testing.T) {
	mitigationID := regexp.MustCompile(`^AML\.M[0-9]{4}$`)
	seen := map[string]bool{}
	for _, m := range atlasMitigations {
		if !mitigationID.MatchString(m.id) || m.name == "" || seen[m.id] {
			t.Errorf("mitigation %q %q: malformed, unnamed or listed twice", m.id, m.name)
		}
		seen[m.id] = true
	}
	used := map[string]bool{}
	for tech, ms := range atlasMitigates {
		if ATLASName(tech) == "" {
			t.Errorf("%s has mitigations but is not an ATLAS technique", tech)
		}
		if len(ms) == 0 || !slices.IsSorted(ms) {
			t.Errorf("%s: mitigations %v are empty or unsorted", tech, ms)
		}
		for _, m := range ms {
			if ATLASMitigationName(m) == "" {
				t.Errorf("%s: mitigation %s is not in the ATLAS table", tech, m)
			}
			used[m] = true
		}
	}
	for _, m := range atlasMitigations {
		if !used[m.id] {
			t.Errorf("mitigation %s mitigates no technique", m.id)
		}
	}
}

func TestATLASMitigations(t *testing.T) {
	tests := []struct {
		technique string
		has       []string
		none      bool
	}{
		{technique: "AML.T0051", has: []string{"AML.M0020", "AML.M0021", "AML.M0033"}},
		// the sub-technique has links of its own: the parent's are not added
		{technique: "AML.T0051.001", has: []string{"AML.M0024", "AML.M0033"}},
		// no links of its own: the parent's
		{technique: "AML.T0010.005", has: []string{"AML.M0014", "AML.M0020", "AML.M0023"}},
		{technique: "AML.T0070", none: true},
		{technique: "AML.T9999", none: true},
	}
	for _, tc := range tests {
		got := ATLASMitigations(tc.technique)
		ids := refIDs(got)
		if tc.none != (len(got) == 0) {
			t.Errorf("%s: mitigations %v", tc.technique, ids)
		}
		for _, id := range tc.has {
			if !slices.Contains(ids, id) {
				t.Errorf("%s: %s missing from %v", tc.technique, id, ids)
			}
		}
		if tc.technique == "AML.T0051.001" && slices.Contains(ids, "AML.M0020") {
			t.Errorf("%s: the parent's AML.M0020 added to its own %v", tc.technique, ids)
		}
	}
	tech, ok := LookupTechnique("AML.T0051")
	if !ok || !slices.Contains(refIDs(tech.Mitigations), "AML.M0020") {
		t.Errorf("LookupTechnique(AML.T0051) = %v, %v: want its ATLAS mitigations", tech.Mitigations, ok)
	}
	found := Search("AML.M0015")
	if len(found) == 0 || found[0].ID != "AML.M0015" || found[0].Kind != "mitigation" {
		t.Errorf("Search(AML.M0015) = %v", found)
	}
}
