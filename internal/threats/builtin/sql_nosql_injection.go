package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("sql-nosql-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			to := e.Target(f)
			strict := false
			switch f.Protocol {
			case "jdbc", "odbc", "sql", "mongodb", "redis":
				strict = true
			}
			lax := f.Protocol == "http" || f.Protocol == "https" || f.Protocol == "tcp" || f.Protocol == "other"
			if !strict && !(lax && e.Is(to, threats.TraitQueryable)) {
				continue
			}
			h := threats.Hit{
				Targets: []string{f.ID},
				Data:    e.DataAtStake(to.ID, f.ID),
				Impact:  e.Rate(to.ID).Secrecy().Impact(3, 3, 4),
				Detail: fmt.Sprintf("%s queries %s over %s; a query built from untrusted input could be rewritten.",
					e.Name(f.From), e.Name(to.ID), f.Protocol),
			}
			if f.Usage == "devops" {
				h.Likelihood = 3
			}
			emit(h)
		}
	})
}
