package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "overprivileged-datastore-access",
			Title:       "Read-only use of a data store with write access",
			STRIDE:      []model.STRIDE{model.ElevationOfPrivilege, model.Tampering},
			Scope:       ScopeFlow,
			CWE:         []int{272, 250},
			CAPEC:       []int{122},
			ATTACK:      []string{"T1078", "T1565.001", "T1485"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"least-privilege", "access-control"},
			Trigger: "A flow into a data store only reads confidential, restricted or personal data (it sends no data " +
				"and receives some) but is not marked readonly.",
			Why: "The caller's credentials allow more than it needs. Whoever compromises the caller, through an " +
				"injection flaw, a leaked credential or a malicious dependency, can then change or destroy the " +
				"data instead of only reading it.",
			Mitigation: "Give the caller a read-only account or role (or a read replica), grant write permissions " +
				"only to the components that must write, and mark the flow readonly.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Database_Security_Cheat_Sheet.html",
				"NIST SP 800-53 Rev. 5 AC-6 (Least Privilege)",
				"https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				to := e.Target(f)
				if f.Readonly || Kind(to) != model.KindDataStore || len(f.DataSent) > 0 {
					continue
				}
				read := e.dataAmong(sensitiveOrPersonal, f.DataReceived)
				if len(read) == 0 {
					continue
				}
				emit(Hit{Targets: []string{f.ID}, Data: read,
					Detail: fmt.Sprintf("%s only reads %s from %s, yet the flow is not read-only: a compromise of %s "+
						"could also change or delete it.", e.Name(f.From), e.nameList(read), e.Name(to.ID), e.Name(f.From))})
			}
		},
	})
}
