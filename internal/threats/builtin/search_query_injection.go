package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("search-query-injection", func(e *threats.Env, emit func(threats.Hit)) {
		// One threat per caller and search engine: the caller's code that
		// builds the queries is the concern, however many flows the model
		// draws between the two (writing documents, reading them back).
		type pair struct{ from, to string }
		var order []pair
		flows := map[pair][]string{}
		protocols := map[pair][]string{}
		devops := map[pair]bool{}
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if from.OutOfScope || !e.Is(to, threats.TraitSearch) {
				continue
			}
			if f.Protocol != "http" && f.Protocol != "https" && f.Protocol != "tcp" && f.Protocol != "other" {
				continue
			}
			p := pair{from.ID, to.ID}
			if _, seen := flows[p]; !seen {
				order = append(order, p)
				devops[p] = true
			}
			flows[p] = append(flows[p], f.ID)
			protocols[p] = threats.Unique(append(protocols[p], string(f.Protocol)))
			devops[p] = devops[p] && f.Usage == "devops"
		}
		for _, p := range order {
			h := threats.Hit{
				Targets: flows[p],
				Data:    e.DataAtStake(append([]string{p.to}, flows[p]...)...),
				Impact:  e.Rate(p.to).Secrecy().Impact(2, 3, 4),
				Detail: fmt.Sprintf("%s sends queries to search engine %s over %s; query parts taken from callers could rewrite the search.",
					e.Name(p.from), e.Name(p.to), strings.Join(protocols[p], " and ")),
			}
			if devops[p] {
				h.Likelihood = 3
			}
			emit(h)
		}
	})
}
