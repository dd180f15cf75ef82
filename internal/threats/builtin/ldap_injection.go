package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("ldap-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from.OutOfScope || (f.Protocol != "ldap" && f.Protocol != "ldaps") {
				continue
			}
			likelihood := 3
			if f.Usage == "devops" {
				likelihood = 2
			}
			impact := 3
			if r := e.Rate(to.ID); r.C >= 4 || r.I >= 4 {
				impact = 4
			}
			emit(threats.Hit{
				Targets: []string{f.ID},
				Detail: fmt.Sprintf("Component '%s' queries directory '%s' over %s (%s): filters built from "+
					"unescaped input would let a caller rewrite the query.", e.Name(from.ID), e.Name(to.ID), e.FlowName(f), f.Protocol),
				Data:       e.DataAtStake(to.ID, f.ID),
				Likelihood: likelihood,
				Impact:     impact,
			})
		}
	})
}
