package threats

import (
	"fmt"
	"sort"
)

var builtin []Rule

// register adds a built-in rule; each rule file calls it from init.
func register(r Rule) {
	builtin = append(builtin, r)
}

// Builtin returns every built-in rule, sorted by id.
func Builtin() []Rule {
	out := append([]Rule(nil), builtin...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the built-in rule with the id.
func Lookup(id string) (Rule, bool) {
	for _, r := range builtin {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// RuleIDs returns the ids of the given rules.
func RuleIDs(rules []Rule) []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}

// CheckRegistry verifies the built-in rules' metadata: unique ids, STRIDE,
// CWE and documentation present, ratings in range.
func CheckRegistry(rules []Rule) error {
	seen := map[string]bool{}
	for _, r := range rules {
		switch {
		case seen[r.ID]:
			return fmt.Errorf("rule %s: duplicate id", r.ID)
		case r.Title == "" || r.Trigger == "" || r.Why == "" || r.Mitigation == "":
			return fmt.Errorf("rule %s: title, trigger, why and mitigation are required", r.ID)
		case len(r.STRIDE) == 0:
			return fmt.Errorf("rule %s: no STRIDE category", r.ID)
		case len(r.CWE) == 0:
			return fmt.Errorf("rule %s: no CWE", r.ID)
		case r.Likelihood < 1 || r.Likelihood > 5 || r.Impact < 1 || r.Impact > 5:
			return fmt.Errorf("rule %s: likelihood and impact must be 1..5", r.ID)
		case r.Check == nil:
			return fmt.Errorf("rule %s: no check", r.ID)
		}
		seen[r.ID] = true
	}
	return nil
}
