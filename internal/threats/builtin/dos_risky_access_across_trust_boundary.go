package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("dos-risky-access-across-trust-boundary", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if c.Type == "load-balancer" || threats.TechIs(c, "load-balancer") {
				continue
			}
			avail := e.Rate(c.ID).A
			if avail < 3 {
				continue
			}
			data := e.DataAtStake(c.ID)
			check := func(f *model.Flow, via *model.Flow) {
				if f.Usage == "devops" || threats.Local(f.Protocol) || !e.CrossesNetwork(f) {
					return
				}
				impact := 2
				if avail >= 4 && !f.VPN && !f.IPFiltered && !e.Has(c.ID, "redundancy") {
					impact = 3
				}
				targets := []string{f.ID}
				detail := fmt.Sprintf("'%s' reaches '%s', whose data must stay available, across a network trust "+
					"boundary over %s: a flood or costly requests from that side could take it down.",
					e.Name(f.From), e.Name(c.ID), e.FlowName(f))
				if via != nil {
					targets = append(targets, via.ID)
					detail = fmt.Sprintf("'%s' reaches '%s', whose data must stay available, across a network trust "+
						"boundary over %s, forwarded by '%s' over %s: a flood or costly requests from that side "+
						"could take it down.", e.Name(f.From), e.Name(c.ID), e.FlowName(f), e.Name(via.From), e.FlowName(via))
				}
				emit(threats.Hit{Targets: targets, Detail: detail, Data: data, Impact: impact})
			}
			for _, in := range e.Incoming(c.ID) {
				from := e.Source(in)
				if from == nil {
					continue
				}
				if e.Is(from, threats.TraitForwarder) {
					for _, up := range e.Incoming(from.ID) {
						check(up, in)
					}
					continue
				}
				check(in, nil)
			}
		}
	})
}
