package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "mixed-targets-on-shared-runtime",
			Title:       "Mixed targets on a shared runtime",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege},
			Scope:       ScopeModel,
			CWE:         []int{1008, 653},
			ATTACK:      []string{"T1611"},
			Likelihood:  2,
			Impact:      2,
			Mitigations: []string{"runtime-isolation", "network-segmentation", "container-hardening"},
			Threagile:   []string{"mixed-targets-on-shared-runtime"},
			Trigger: "Components on the same shared runtime (the same runtime value: host, hypervisor, cluster) sit in " +
				"different trust boundaries, or mix frontend components with backend or data store components. The " +
				"threat's target is the runtime's name.",
			Why: "A shared runtime joins what the model separates: an attacker who takes over the more exposed " +
				"component, or the runtime through it, reaches the more valuable ones beside it, and load on one " +
				"starves the others.",
			Mitigation: "Run components of different trust levels or tiers on separate runtimes (hosts, clusters, node " +
				"pools), or isolate them strongly within the runtime (hardened hypervisor, namespaces, network " +
				"policies, resource quotas).",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/653.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			runtimes := map[string][]*model.Component{}
			var order []string
			for i := range e.M.Components {
				c := &e.M.Components[i]
				if c.Runtime == "" {
					continue
				}
				if _, ok := runtimes[c.Runtime]; !ok {
					order = append(order, c.Runtime)
				}
				runtimes[c.Runtime] = append(runtimes[c.Runtime], c)
			}
			for _, rt := range order {
				members := runtimes[rt]
				inScope := false
				boundaries := map[string]bool{}
				var front, back []string
				var data, names []string
				for _, c := range members {
					inScope = inScope || !c.OutOfScope
					boundaries[e.Ix.Parent[c.ID]] = true
					tr := tgTraits(c)
					switch {
					case tr&trFrontend != 0 && tr&trBackend == 0:
						front = append(front, "'"+e.Name(c.ID)+"'")
					case tr&trBackend != 0 && tr&trFrontend == 0:
						back = append(back, "'"+e.Name(c.ID)+"'")
					}
					data = append(data, e.DataAtStake(c.ID)...)
					names = append(names, "'"+e.Name(c.ID)+"'")
				}
				var why string
				switch {
				case !inScope || len(members) < 2:
					continue
				case len(boundaries) > 1:
					why = fmt.Sprintf("runs components of %d different trust boundaries (%s)", len(boundaries), strings.Join(names, ", "))
				case len(front) > 0 && len(back) > 0:
					why = fmt.Sprintf("runs frontend components (%s) beside backend ones (%s)", strings.Join(front, ", "), strings.Join(back, ", "))
				default:
					continue
				}
				data = tgDedupe(data)
				impact := 2
				var r tgRating
				for _, d := range data {
					r.add(e.Ix.Data[d])
				}
				if r.tgTop() {
					impact = 3
				}
				emit(Hit{
					Targets: []string{rt},
					Detail:  fmt.Sprintf("Shared runtime '%s' %s: a foothold in the more exposed one is a step towards the others.", rt, why),
					Data:    data,
					Impact:  impact,
				})
			}
		},
	})
}
