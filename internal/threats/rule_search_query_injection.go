package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "search-query-injection",
			Title:       "Search query injection",
			STRIDE:      []model.STRIDE{model.Tampering, model.InformationDisclosure},
			Scope:       ScopeFlow,
			CWE:         []int{74, 943},
			CAPEC:       []int{248},
			ATTACK:      []string{"T1190"},
			Likelihood:  4,
			Impact:      3,
			Mitigations: []string{"input-validation", "parameterized-queries"},
			Threagile:   []string{"search-query-injection"},
			Trigger: "An in-scope component calls a search engine or search index (Elasticsearch, OpenSearch, Solr, ...) " +
				"over HTTP or a raw TCP protocol.",
			Why: "Search engines have rich query languages and administrative endpoints. When callers build queries from user " +
				"input, attackers can widen searches to read other users' documents, change or delete the index, and on some " +
				"engines reach code execution through query or parameter injection.",
			Mitigation: "Build search queries with the client library's query builders, escape the query syntax's special " +
				"characters, never pass raw query strings or parameters from callers through, and restrict the search " +
				"engine's administrative APIs to operators.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Injection_Prevention_Cheat_Sheet.html",
				"https://github.com/veracode-research/solr-injection",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if from.OutOfScope || !rbIsSearch(to) {
					continue
				}
				if f.Protocol != "http" && f.Protocol != "https" && f.Protocol != "tcp" && f.Protocol != "other" {
					continue
				}
				h := Hit{
					Targets: []string{f.ID},
					Data:    e.DataAtStake(to.ID, f.ID),
					Impact:  rbImpact(e.rbHeld(to), 2, 3, 4),
					Detail: fmt.Sprintf("%s sends queries to search engine %s over %s; query parts taken from callers could rewrite the search.",
						e.Name(from.ID), e.Name(to.ID), f.Protocol),
				}
				if f.Usage == "devops" {
					h.Likelihood = 3
				}
				emit(h)
			}
		},
	})
}
