package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("missing-waf", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitWebApp) && !e.Is(c, threats.TraitWebService) {
				continue
			}
			var via []string
			for _, f := range e.Incoming(c.ID) {
				from := e.Source(f)
				if from == nil || !f.Protocol.Web() || e.Is(from, threats.TraitWAF) || e.Has(from.ID, "waf") || !(e.CrossesNetwork(f) || e.FromInternet(from)) {
					continue
				}
				via = append(via, e.FlowName(f))
			}
			if len(via) == 0 {
				continue
			}
			emit(threats.Hit{
				Targets: []string{c.ID},
				Impact:  e.Rate(c.ID).Secrecy().Impact(2, 2, 3),
				Detail: fmt.Sprintf("%s is reached from another network or from the internet by %s with no web application firewall in front of it.",
					e.Name(c.ID), strings.Join(via, ", ")),
			})
		}
	})
}
