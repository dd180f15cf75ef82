package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("mixed-targets-on-shared-runtime", func(e *threats.Env, emit func(threats.Hit)) {
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
				tr := e.Traits(c)
				switch {
				case tr&threats.TraitFrontend != 0 && tr&threats.TraitBackend == 0:
					front = append(front, "'"+e.Name(c.ID)+"'")
				case tr&threats.TraitBackend != 0 && tr&threats.TraitFrontend == 0:
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
				why = fmt.Sprintf("runs components of %d different trust boundaries (%s)", len(boundaries), shortList(names))
			case len(front) > 0 && len(back) > 0:
				why = fmt.Sprintf("runs frontend components (%s) beside backend ones (%s)", shortList(front), shortList(back))
			default:
				continue
			}
			data = threats.Unique(data)
			impact := 2
			var r threats.Rating
			for _, d := range data {
				r = r.Max(threats.RateAsset(e.Ix.Data[d]))
			}
			if r.Top() {
				impact = 3
			}
			emit(threats.Hit{
				Targets: []string{rt},
				Detail:  fmt.Sprintf("Shared runtime '%s' %s: a foothold in the more exposed one is a step towards the others.", rt, why),
				Data:    data,
				Impact:  impact,
			})
		}
	})
}
