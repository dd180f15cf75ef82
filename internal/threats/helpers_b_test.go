package threats

import (
	"slices"
	"testing"
)

// rbMitigated asserts that a rule raises the threat and reports the control
// as in place on it, so that the threat counts as mitigated.
func rbMitigated(t *testing.T, ruleID, src, threatID, control string) {
	t.Helper()
	th := rbThreat(t, ruleID, src, threatID)
	if !slices.Contains(th.InPlace, control) || !th.Mitigated() {
		t.Errorf("%s: controls in place %v, want %s", threatID, th.InPlace, control)
	}
}

// rbThreat runs one rule and returns the threat with the id, failing when absent.
func rbThreat(t *testing.T, ruleID, src, threatID string) Threat {
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
	t.Fatalf("%s: threat %s not raised", ruleID, threatID)
	return Threat{}
}
