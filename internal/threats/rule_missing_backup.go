package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "missing-backup",
			Title:       "Missing backup of data that must stay available",
			STRIDE:      []model.STRIDE{model.DenialOfService, model.Tampering},
			Scope:       ScopeComponent,
			CWE:         []int{693},
			ATTACK:      []string{"T1485", "T1486", "T1490"},
			Likelihood:  2,
			Impact:      4,
			Mitigations: []string{"backup"},
			Trigger: "A data store (other than a cache or a queue, which hold transient data) stores data whose availability is rated high or critical. " +
				"It is reported mitigated when the backup control is in place.",
			Why: "Ransomware, a destructive attacker, a faulty migration or an operator's mistake can wipe or " +
				"encrypt the data. Replicas copy deletions and corruption within seconds; only an independent, " +
				"tested backup brings the data back.",
			Mitigation: "Back the store up regularly to a separate account or location with immutable (write-once) " +
				"retention, restrict who can delete backups, test restores against the recovery point and time " +
				"objectives, and declare the backup control on the store.",
			References: []string{
				"NIST SP 800-34 Rev. 1, Contingency Planning Guide",
				"NIST SP 800-53 Rev. 5 CP-9 (System Backup), CP-10 (System Recovery)",
				"https://www.cisa.gov/stopransomware/ransomware-guide",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if Kind(c) != model.KindDataStore || c.Type == "cache" || c.Type == "queue" {
					continue
				}
				var critical bool
				needed := e.dataAmong(func(d *model.DataAsset) bool {
					critical = critical || d.CIA.Availability == "critical"
					return d.CIA.Availability.Score() >= 4
				}, c.Stores)
				if len(needed) == 0 {
					continue
				}
				h := Hit{Targets: []string{c.ID}, Data: needed,
					Detail: fmt.Sprintf("%s stores %s, whose availability matters: without an independent "+
						"backup, a deletion, corruption or ransomware attack would be permanent.", e.Name(c.ID), e.nameList(needed))}
				if critical {
					h.Impact = 5
				}
				emit(h)
			}
		},
	})
}
