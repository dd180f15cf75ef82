package builtin

import (
	"fmt"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("sensitive-data-in-logs", func(e *threats.Env, emit func(threats.Hit)) {
		fed := map[string]bool{}
		for _, f := range e.Flows() {
			to := e.Target(f)
			if !logSink(to) {
				continue
			}
			leaking := e.DataAmong(sensitiveOrPersonal, f.DataSent)
			if len(leaking) == 0 {
				continue
			}
			fed[to.ID] = true
			emit(threats.Hit{Targets: []string{f.ID}, Data: leaking,
				Detail: fmt.Sprintf("%s sends %s to %s, where everyone with access to the logs can read it.",
					e.Name(f.From), e.NameList(leaking), e.Name(to.ID))})
		}
		for _, c := range e.Components() {
			if !logSink(c) || fed[c.ID] {
				continue
			}
			if kept := e.DataAmong(sensitiveOrPersonal, c.Stores); len(kept) > 0 {
				emit(threats.Hit{Targets: []string{c.ID}, Data: kept,
					Detail: fmt.Sprintf("%s keeps %s in its logs, where everyone with access to them can read it.",
						e.Name(c.ID), e.NameList(kept))})
			}
		}
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
