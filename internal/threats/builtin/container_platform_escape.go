package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("container-platform-escape", func(e *threats.Env, emit func(threats.Hit)) {
		var containers map[string][]string // runtime -> containers running on it
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitContainerPlatform) {
				continue
			}
			if containers == nil {
				containers = map[string][]string{}
				for i := range e.M.Components {
					if o := &e.M.Components[i]; o.Runtime != "" && o.Hosting == "container" {
						containers[o.Runtime] = append(containers[o.Runtime], o.ID)
					}
				}
			}
			// the workloads at stake: containers running on the same runtime, if modelled
			var hosted []string
			data := e.DataAtStake(c.ID)
			if c.Runtime != "" {
				for _, o := range containers[c.Runtime] {
					if o != c.ID {
						hosted = append(hosted, "'"+e.Name(o)+"'")
						data = append(data, e.DataAtStake(o)...)
					}
				}
			}
			impact := 4
			r := e.Rate(c.ID)
			for _, o := range data {
				r = r.Max(threats.RateAsset(e.Ix.Data[o]))
			}
			if r.Top() {
				impact = 5
			}
			detail := fmt.Sprintf("Container platform '%s': a container escape gives an attacker the node and "+
				"every workload the platform runs.", e.Name(c.ID))
			if len(hosted) > 0 {
				detail = fmt.Sprintf("Container platform '%s': a container escape gives an attacker the node and "+
					"the workloads it runs, %s.", e.Name(c.ID), strings.Join(hosted, ", "))
			}
			emit(threats.Hit{Targets: []string{c.ID}, Detail: detail, Data: threats.Unique(data), Impact: impact})
		}
	})
}
