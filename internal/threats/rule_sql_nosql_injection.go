package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "sql-nosql-injection",
			Title:       "SQL/NoSQL injection",
			STRIDE:      []model.STRIDE{model.Tampering, model.InformationDisclosure},
			Scope:       ScopeFlow,
			CWE:         []int{89, 943},
			CAPEC:       []int{66, 676},
			ATTACK:      []string{"T1190"},
			Likelihood:  4,
			Impact:      3,
			Mitigations: []string{"parameterized-queries", "input-validation"},
			Threagile:   []string{"sql-nosql-injection"},
			Trigger: "A flow uses a database protocol (JDBC, ODBC, SQL, MongoDB, Redis), or any HTTP or raw TCP flow " +
				"reaches a database or database-backed identity store.",
			Why: "Queries assembled from strings let attackers change their meaning: read or change any row, bypass " +
				"logins, and on many engines run commands on the database host.",
			Mitigation: "Use bound parameters or a safe query builder for every query, never string concatenation; validate " +
				"input against allow-lists; give the application's database account only the rights it needs. For " +
				"third-party products, check they do the same and keep them patched.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
				"https://owasp.org/Top10/A03_2021-Injection/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				to := e.Target(f)
				strict := false
				switch f.Protocol {
				case "jdbc", "odbc", "sql", "mongodb", "redis":
					strict = true
				}
				lax := f.Protocol == "http" || f.Protocol == "https" || f.Protocol == "tcp" || f.Protocol == "other"
				if !strict && !(lax && rbIsQueryable(to)) {
					continue
				}
				h := Hit{
					Targets: []string{f.ID},
					Data:    e.DataAtStake(to.ID, f.ID),
					Impact:  rbImpact(e.rbHeld(to), 3, 3, 4),
					Detail: fmt.Sprintf("%s queries %s over %s; a query built from untrusted input could be rewritten.",
						e.Name(f.From), e.Name(to.ID), f.Protocol),
				}
				if f.Usage == "devops" {
					h.Likelihood = 3
				}
				emit(h)
			}
		},
	})
}
