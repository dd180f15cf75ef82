package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "path-traversal",
			Title:       "Path traversal",
			STRIDE:      []model.STRIDE{model.InformationDisclosure, model.Tampering},
			Scope:       ScopeFlow,
			CWE:         []int{22},
			CAPEC:       []int{126},
			ATTACK:      []string{"T1190", "T1005"},
			Likelihood:  4,
			Impact:      3,
			Mitigations: []string{"input-validation", "least-privilege"},
			Threagile:   []string{"path-traversal"},
			Trigger:     "An in-scope component reads or writes a file system or file server (file storage, file-server, local-file-system).",
			Why: "When a file name or path is built from caller input, sequences like ../ or absolute paths reach " +
				"files outside the intended folder: configuration, keys and credentials, other customers' documents, " +
				"or code to overwrite.",
			Mitigation: "Map caller input to files through an identifier lookup instead of names; otherwise canonicalise " +
				"the path and check it stays under the intended directory, allow-list names and extensions, and run " +
				"with file permissions limited to that directory. For third-party products, verify and patch.",
			References: []string{
				"https://owasp.org/www-community/attacks/Path_Traversal",
				"https://cheatsheetseries.owasp.org/cheatsheets/Input_Validation_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if from.OutOfScope || !tgIs(to, trFileSystem) {
					continue
				}
				likelihood := 4
				if f.Usage == "devops" {
					likelihood = 3
				}
				impact := 3
				if r := e.tgRate(to.ID); r.C >= 4 || r.I >= 4 {
					impact = 4
				}
				emit(Hit{
					Targets: []string{f.ID},
					Detail: fmt.Sprintf("Component '%s' accesses files on '%s' over %s: a path built from caller "+
						"input could reach files outside the intended folder.", e.Name(from.ID), e.Name(to.ID), e.tgFlowName(f)),
					Data:       e.DataAtStake(to.ID, f.ID),
					Likelihood: likelihood,
					Impact:     impact,
				})
			}
		},
	})
}
