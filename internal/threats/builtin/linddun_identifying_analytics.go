package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("linddun-identifying-analytics", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			t := e.Target(f)
			if t == nil || !(e.IsAny(t, threats.TraitDataset|threats.TraitTraining) ||
				threats.TechIs(t, "analytics", "data-warehouse", "data-lake", "bigquery", "snowflake", "redshift", "databricks")) {
				continue
			}
			if anyControl(e, f.ID, "pseudonymization") || e.Has(f.From, "pseudonymization") {
				continue
			}
			if personal := personalData(e, f.DataSent, f.DataReceived); len(personal) > 0 {
				emit(threats.Hit{Targets: []string{f.ID}, Data: personal, Detail: fmt.Sprintf("%s carries %s into %s for analysis or "+
					"training: records with direct identifiers, or enough attributes to single people out, identify them there.",
					e.FlowName(f), e.NameList(personal), e.Name(t.ID))})
			}
		}
	})
}
