package threagile

import (
	"sort"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

// TestRuleTable checks the one Threagile-to-Rampart rule table: it holds
// each of Threagile's 42 built-in rules once, its id shapes use known part
// kinds, and it agrees with the Threagile ids the Rampart rules declare in
// their metadata. Rules not yet in the library are listed, not failed.
func TestRuleTable(t *testing.T) {
	if len(Rules) != 42 {
		t.Errorf("the table holds %d Threagile rules, want 42", len(Rules))
	}
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.Threagile] {
			t.Errorf("Threagile rule %s is listed twice", r.Threagile)
		}
		seen[r.Threagile] = true
		if len(r.Rampart) == 0 || len(r.Parts) == 0 {
			t.Errorf("%s: no Rampart rule or no id shape", r.Threagile)
		}
		for _, p := range r.Parts {
			if !strings.ContainsRune("AFTLDBRX", rune(p)) {
				t.Errorf("%s: unknown part kind %q", r.Threagile, p)
			}
		}
	}
	var missing []string
	for _, r := range Rules {
		for _, id := range r.Rampart {
			rule, ok := builtin.Lookup(id)
			if !ok {
				missing = append(missing, id)
				continue
			}
			if !contains(rule.Threagile, r.Threagile) {
				t.Errorf("Rampart rule %s does not list Threagile rule %s in its Meta.Threagile %v", id, r.Threagile, rule.Threagile)
			}
		}
	}
	for _, rule := range builtin.Rules() {
		for _, tid := range rule.Threagile {
			if !contains(RampartRules(tid), rule.ID) {
				t.Errorf("Rampart rule %s claims Threagile rule %s, but the table maps %s onto %v", rule.ID, tid, tid, RampartRules(tid))
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Logf("Rampart rules not in the library yet (%d): %s", len(missing), strings.Join(missing, ", "))
	}
	if got := ThreagileRules("missing-authentication"); len(got) != 1 || got[0] != "missing-authentication" {
		t.Errorf("ThreagileRules(missing-authentication) = %v", got)
	}
}
