package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-identity-provider-isolation", func(e *threats.Env, emit func(threats.Hit)) {
		byExec := map[string][]string{}
		byNet := map[string][]string{}
		for i := range e.M.Components {
			o := &e.M.Components[i]
			if e.IsAny(o, threats.TraitIdentity|threats.TraitNearHighValue) || outsideNetworks(e, o) {
				continue // people and their clients on the internet share no environment with the system's components
			}
			if x := e.ExecEnv(o.ID); x != "" {
				byExec[x] = append(byExec[x], o.ID)
			}
			byNet[e.Network(o.ID)] = append(byNet[e.Network(o.ID)], o.ID)
		}
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitIdentity) || threats.Managed(c) {
				continue // a managed identity provider runs, isolated, on its vendor's infrastructure
			}
			where, likelihood := "", 2
			var others []string
			if x := e.ExecEnv(c.ID); x != "" && len(byExec[x]) > 0 {
				where, likelihood, others = "execution environment", 3, byExec[x]
			} else if n := e.Network(c.ID); len(byNet[n]) > 0 && (n != "" || x == "-") {
				where, others = "network segment", byNet[n]
			}
			if where == "" {
				continue
			}
			impact := 4
			if e.Rate(c.ID).Top() {
				impact = 5
			}
			names := make([]string, 0, 3)
			for _, id := range others {
				if len(names) == 3 {
					names = append(names, "...")
					break
				}
				names = append(names, "'"+e.Name(id)+"'")
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Identity component '%s' shares its %s with components that are not "+
					"identity-related (%s): taking one of them over gives a short path to it.",
					e.Name(c.ID), where, strings.Join(names, ", ")),
				Likelihood: likelihood,
				Impact:     impact,
			})
		}
	})
}
