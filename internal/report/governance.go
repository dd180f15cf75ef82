package report

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/analysis"
)

// governance returns the lines every report shows about how the analysis
// was governed: the central policy that applied, the rules the model
// disables, the disables the policy refused, and where the model asked for
// a looser appetite or matrix than the policy allows. Nothing when there
// is nothing to say.
func governance(r *analysis.Result) []string {
	p := r.Policy
	var out []string
	if p.File != "" {
		name := p.File
		if p.Name != "" {
			name = p.Name + " (" + p.File + ")"
		}
		out = append(out, "governed by the policy "+name)
	}
	if len(p.DisabledRules) > 0 {
		out = append(out, "rules disabled by the model, not run: "+strings.Join(p.DisabledRules, ", "))
	}
	if len(p.Refused) > 0 {
		out = append(out, "rules the model disables but the policy requires, run anyway: "+strings.Join(p.Refused, ", "))
	}
	if len(p.Loosened) > 0 {
		var parts []string
		for _, l := range p.Loosened {
			parts = append(parts, fmt.Sprintf("%s %s (policy %s)", l.Key, l.Model, l.Policy))
		}
		out = append(out, "looser than the policy, the policy's value applied: "+strings.Join(parts, ", "))
	}
	return out
}
