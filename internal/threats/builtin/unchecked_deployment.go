package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unchecked-deployment", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !e.Is(c, threats.TraitDevRelevant) {
				continue
			}
			impact := 2
			var targets []string
			for _, f := range e.Outgoing(c.ID) {
				if f.Usage != "devops" {
					continue
				}
				if to := e.Target(f); to != nil && e.RateData(f.DataSent).I >= 2 {
					targets = append(targets, e.Name(to.ID))
					if e.Rate(to.ID).Sensitive() {
						impact = 3
					}
				}
			}
			detail := fmt.Sprintf("%s is part of the delivery chain; nothing in the model shows its output being scanned for vulnerabilities before it is used.", e.Name(c.ID))
			if len(targets) > 0 {
				detail += " It delivers code or configuration to " + strings.Join(targets, ", ") + "."
			}
			emit(threats.Hit{Targets: []string{c.ID}, Impact: impact, Detail: detail})
		}
	})
}
