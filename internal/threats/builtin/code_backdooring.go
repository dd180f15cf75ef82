package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("code-backdooring", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitDevRelevant) {
				continue
			}
			var why string
			if c.InternetFacing {
				why = "is reachable from the internet"
			} else {
				for _, f := range e.Incoming(c.ID) {
					if from := e.Source(f); from != nil && from.InternetFacing && !f.VPN {
						why = fmt.Sprintf("is reached from internet-facing '%s' over %s without a VPN", e.Name(from.ID), e.FlowName(f))
						break
					}
				}
			}
			if why == "" {
				continue
			}
			impact := 4
			if e.Is(c, threats.TraitCodeInspection) {
				impact = 2
			} else if r := e.Rate(c.ID); r.C >= 3 || r.I >= 3 {
				impact = 5
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Detail: fmt.Sprintf("Development component '%s' %s: an attacker who takes it over can slip "+
					"backdoored code or dependencies into what gets deployed.", e.Name(c.ID), why),
				Impact: impact,
			})
		}
	})
}
