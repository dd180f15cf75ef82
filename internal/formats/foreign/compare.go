package foreign

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

// Summary is the structure of a model that a round trip through a foreign
// format must keep: element ids and kinds, flow endpoints, boundary members,
// threats with their targets and register status.
type Summary struct {
	Components map[string]string   // id -> DFD kind
	Flows      map[string]string   // id -> "from -> to"
	Boundaries map[string][]string // id -> sorted members
	Threats    map[string]string   // id -> "title | targets | status"
}

// Summarise extracts the structure of m.
func Summarise(m *model.Model) Summary {
	s := Summary{Components: map[string]string{}, Flows: map[string]string{}, Boundaries: map[string][]string{}, Threats: map[string]string{}}
	for _, c := range m.Components {
		s.Components[c.ID] = c.Type.Kind()
	}
	for _, f := range m.Flows {
		s.Flows[f.ID] = f.From + " -> " + f.To
	}
	members := map[string]map[string]bool{}
	for _, b := range m.TrustBoundaries {
		members[b.ID] = map[string]bool{}
		for _, id := range b.Contains {
			members[b.ID][id] = true
		}
	}
	for _, c := range m.Components {
		if c.TrustBoundary != "" {
			if members[c.TrustBoundary] == nil {
				members[c.TrustBoundary] = map[string]bool{}
			}
			members[c.TrustBoundary][c.ID] = true
		}
	}
	for id, set := range members {
		list := make([]string, 0, len(set))
		for k := range set {
			list = append(list, k)
		}
		sort.Strings(list)
		s.Boundaries[id] = list
	}
	status := map[string]string{}
	for _, t := range m.Treatments {
		status[t.Threat] = string(t.Status)
	}
	for _, t := range m.Threats {
		targets := append([]string(nil), t.Targets...)
		sort.Strings(targets)
		st := status[t.ID]
		if st == "" {
			st = "open"
		}
		s.Threats[t.ID] = t.Title + " | " + strings.Join(targets, ",") + " | " + st
	}
	return s
}

// Diff lists the differences between two models' structures, empty when
// they are equivalent.
func Diff(a, b *model.Model) []string {
	sa, sb := Summarise(a), Summarise(b)
	var out []string
	out = append(out, diffMap("component", sa.Components, sb.Components)...)
	out = append(out, diffMap("flow", sa.Flows, sb.Flows)...)
	ja, jb := map[string]string{}, map[string]string{}
	for k, v := range sa.Boundaries {
		ja[k] = strings.Join(v, ",")
	}
	for k, v := range sb.Boundaries {
		jb[k] = strings.Join(v, ",")
	}
	out = append(out, diffMap("trust boundary", ja, jb)...)
	out = append(out, diffMap("threat", sa.Threats, sb.Threats)...)
	return out
}

func diffMap(what string, a, b map[string]string) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	list := make([]string, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	sort.Strings(list)
	var out []string
	for _, k := range list {
		va, oka := a[k]
		vb, okb := b[k]
		switch {
		case !okb:
			out = append(out, fmt.Sprintf("%s %s lost (was %q)", what, k, va))
		case !oka:
			out = append(out, fmt.Sprintf("%s %s added (%q)", what, k, vb))
		case va != vb:
			out = append(out, fmt.Sprintf("%s %s changed: %q -> %q", what, k, va, vb))
		}
	}
	return out
}
