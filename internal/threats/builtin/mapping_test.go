package builtin

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
	"github.com/rampart-sec/rampart/internal/threats"
)

// TestCWEUsage checks every rule's CWE mapping against the mapping usage
// the CWE catalog gives each entry: no rule maps to an entry whose notes say
// Prohibited (categories, views, deprecated entries) or Discouraged.
func TestCWEUsage(t *testing.T) {
	var bad []string
	for _, r := range Rules() {
		for _, id := range r.CWE {
			switch u := catalog.CWEUsage(id); u {
			case "Allowed", "Allowed-with-Review":
			default:
				bad = append(bad, fmt.Sprintf("%s: CWE-%d (%s) is %s", r.ID, id, catalog.CWEName(id), u))
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d mappings the CWE catalog does not allow:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// TestMappingMeanings checks mappings once found to mean something other
// than the rule's concern, so that they do not come back: each case names a
// rule (or a rule-id prefix) and an id it must not carry, or must carry.
func TestMappingMeanings(t *testing.T) {
	type mapping struct{ kind, id string }
	ids := func(r threats.Rule) []mapping {
		var out []mapping
		for _, id := range r.CWE {
			out = append(out, mapping{"CWE", fmt.Sprint(id)})
		}
		for _, id := range r.CAPEC {
			out = append(out, mapping{"CAPEC", fmt.Sprint(id)})
		}
		for _, id := range r.ATTACK {
			out = append(out, mapping{"ATT&CK", id})
		}
		return out
	}
	cases := []struct {
		rules string // a rule id, or a prefix ending in '*'; "*" is every rule
		m     mapping
		want  bool // whether the rules must carry the id
		why   string
	}{
		{"*", mapping{"CWE", "1127"}, false, "CWE-1127 is about compiler warnings, not deployment"},
		{"unguarded-*", mapping{"CWE", "501"}, false, "CWE-501 mixes trusted and untrusted data; it is not network exposure"},
		{"missing-authentication", mapping{"ATT&CK", "T1078"}, false, "valid accounts presume authentication exists"},
		{"missing-audit-logging", mapping{"CAPEC", "268"}, false, "log tampering presumes logs exist"},
		{"missing-audit-logging", mapping{"ATT&CK", "T1070"}, false, "indicator removal presumes logs exist"},
		{"search-query-injection", mapping{"CAPEC", "248"}, false, "command injection is not search query injection"},
		{"search-query-injection", mapping{"CAPEC", "676"}, true, "NoSQL injection is the attack pattern"},
		{"sensitive-data-in-logs", mapping{"ATT&CK", "T1552"}, false, "logs need not hold credentials"},
		{"platform-logs-sensitive-data", mapping{"ATT&CK", "T1552"}, false, "logs need not hold credentials"},
		{"linddun-identifying-logs", mapping{"ATT&CK", "T1552"}, false, "logs need not hold credentials"},
		{"cloud-audit-logging-disabled", mapping{"CAPEC", "268"}, false, "log tampering presumes logs exist"},
		{"cloud-audit-logging-disabled", mapping{"ATT&CK", "T1070"}, false, "indicator removal presumes logs exist"},
	}
	for _, c := range cases {
		matched := 0
		for _, r := range Rules() {
			if c.rules != "*" && r.ID != c.rules && !(strings.HasSuffix(c.rules, "*") && strings.HasPrefix(r.ID, strings.TrimSuffix(c.rules, "*"))) {
				continue
			}
			matched++
			if got := slices.Contains(ids(r), c.m); got != c.want {
				t.Errorf("%s: carries %s-%s = %v, want %v (%s)", r.ID, c.m.kind, c.m.id, got, c.want, c.why)
			}
		}
		if matched == 0 {
			t.Errorf("no rule matches %q: the case checks nothing", c.rules)
		}
	}
}
