package threats

import (
	"slices"
	"strings"
	"testing"
)

// expectInPlace asserts that the threat with the id lists the control as in place.
func expectInPlace(t *testing.T, ruleID, src, threatID, control string) {
	t.Helper()
	th := findThreat(t, ruleID, src, threatID)
	if !slices.Contains(th.InPlace, control) {
		t.Errorf("%s: controls in place %v, want %s", threatID, th.InPlace, control)
	}
	if !th.Mitigated() {
		t.Errorf("%s: not reported as mitigated", threatID)
	}
}

// expectDetail asserts that the threat's description mentions every word.
func expectDetail(t *testing.T, ruleID, src, threatID string, words ...string) {
	t.Helper()
	th := findThreat(t, ruleID, src, threatID)
	for _, w := range words {
		if !strings.Contains(th.Description, w) {
			t.Errorf("%s: description %q does not mention %q", threatID, th.Description, w)
		}
	}
}

func findThreat(t *testing.T, ruleID, src, threatID string) Threat {
	t.Helper()
	r, ok := Lookup(ruleID)
	if !ok {
		t.Fatalf("no rule %s", ruleID)
	}
	for _, th := range Identify(load(t, src), []Rule{r}) {
		if th.ID == threatID {
			return th
		}
	}
	t.Fatalf("no threat %s", threatID)
	return Threat{}
}
