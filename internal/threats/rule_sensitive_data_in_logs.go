package threats

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "sensitive-data-in-logs",
			Title:       "Sensitive or personal data written to logs",
			STRIDE:      []model.STRIDE{model.InformationDisclosure},
			Scope:       ScopeFlow,
			CWE:         []int{532, 359},
			ATTACK:      []string{"T1552"},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"log-redaction"},
			Trigger: "A flow into a log store or monitoring component carries confidential, restricted or personal " +
				"data, or a log store stores such data.",
			Why: "Logs are read by many more people and tools than the systems they come from, are copied to " +
				"third-party services and are kept for a long time. Secrets, tokens and personal data in them leak " +
				"through every one of those paths and outlive any deletion in the source system.",
			Mitigation: "Log identifiers and events, not payloads: mask or drop secrets, tokens and personal fields " +
				"before events leave the application, restrict and audit access to log stores, and apply retention " +
				"limits to them.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude",
				"https://owasp.org/Top10/A09_2021-Security_Logging_and_Monitoring_Failures/",
				"GDPR Art. 5(1)(c) and (e): data minimisation and storage limitation",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			fed := map[string]bool{}
			for _, f := range e.Flows() {
				to := e.Target(f)
				if !logSink(to) {
					continue
				}
				leaking := e.dataAmong(sensitiveOrPersonal, f.DataSent)
				if len(leaking) == 0 {
					continue
				}
				fed[to.ID] = true
				emit(Hit{Targets: []string{f.ID}, Data: leaking,
					Detail: fmt.Sprintf("%s sends %s to %s, where everyone with access to the logs can read it.",
						e.Name(f.From), e.nameList(leaking), e.Name(to.ID))})
			}
			for _, c := range e.Components() {
				if !logSink(c) || fed[c.ID] {
					continue
				}
				if kept := e.dataAmong(sensitiveOrPersonal, c.Stores); len(kept) > 0 {
					emit(Hit{Targets: []string{c.ID}, Data: kept,
						Detail: fmt.Sprintf("%s keeps %s in its logs, where everyone with access to them can read it.",
							e.Name(c.ID), e.nameList(kept))})
				}
			}
		},
	})
}

// logSink reports whether a component collects logs or monitoring events.
func logSink(c *model.Component) bool {
	return c != nil && (c.Type == "log-store" || c.Type == "monitoring")
}

// sensitiveOrPersonal reports whether a data asset is confidential or above, or personal.
func sensitiveOrPersonal(d *model.DataAsset) bool {
	return d.Personal || d.Classification.Level() >= 2
}
