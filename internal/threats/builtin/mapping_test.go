package builtin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/catalog"
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
