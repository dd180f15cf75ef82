package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("search-query-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from.OutOfScope || !e.Is(to, threats.TraitSearch) {
				continue
			}
			if f.Protocol != "http" && f.Protocol != "https" && f.Protocol != "tcp" && f.Protocol != "other" {
				continue
			}
			h := threats.Hit{
				Targets: []string{f.ID},
				Data:    e.DataAtStake(to.ID, f.ID),
				Impact:  e.Rate(to.ID).Secrecy().Impact(2, 3, 4),
				Detail: fmt.Sprintf("%s sends queries to search engine %s over %s; query parts taken from callers could rewrite the search.",
					e.Name(from.ID), e.Name(to.ID), f.Protocol),
			}
			if f.Usage == "devops" {
				h.Likelihood = 3
			}
			emit(h)
		}
	})
}
