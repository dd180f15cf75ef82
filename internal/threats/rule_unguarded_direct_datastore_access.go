package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "unguarded-direct-datastore-access",
			Title:       "Unguarded direct data store access",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege, model.InformationDisclosure},
			Scope:       ScopeFlow,
			CWE:         []int{501},
			ATTACK:      []string{"T1213", "T1078"},
			Likelihood:  3,
			Impact:      2,
			Mitigations: []string{"service-encapsulation", "ip-allowlist"},
			Threagile:   []string{"unguarded-direct-datastore-access"},
			Trigger: "A business (non-devops) flow crosses a network trust boundary straight into an in-scope data store " +
				"holding confidential data or data of critical integrity. Identity stores called by their identity " +
				"provider and file servers reached by FTP/SFTP are exempt.",
			Why: "When callers from another network talk to a data store directly, a compromise of any of them leads " +
				"straight to the data: nothing in between enforces the business rules, limits the queries or logs who asked for what.",
			Mitigation: "Reach the data store only through a guarding service or application in its own segment that " +
				"authenticates callers and exposes only the operations they need; restrict the store's network access to that service.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Attack_Surface_Analysis_Cheat_Sheet.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Database_Security_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				if to.OutOfScope || Kind(to) != model.KindDataStore || f.Usage == "devops" || !e.CrossesNetwork(f) {
					continue
				}
				if rbIsIdentityStore(to) && rbIsIdentityProvider(from) {
					continue
				}
				if rbIsFileServer(to) && (f.Protocol == "ftp" || f.Protocol == "sftp") {
					continue
				}
				r := e.rbHeld(to)
				if !r.sensitive() {
					continue
				}
				emit(Hit{
					Targets: []string{f.ID},
					Data:    e.DataAtStake(to.ID, f.ID),
					Impact:  rbImpact(r, 2, 2, 3),
					Detail: fmt.Sprintf("%s reaches data store %s directly over %s from another network segment, with no guarding service in between.",
						e.Name(from.ID), e.Name(to.ID), f.Protocol),
				})
			}
		},
	})
}
