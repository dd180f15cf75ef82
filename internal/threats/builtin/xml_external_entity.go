package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("xml-external-entity", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			how := ""
			if slices.Contains(c.DataFormats, "xml") {
				how = "accepts XML input"
			} else {
				for _, f := range e.Incoming(c.ID) {
					if f.Protocol == "soap" {
						how = "receives SOAP messages over " + e.FlowName(f)
						break
					}
				}
			}
			if how == "" {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}}
			if e.Rate(c.ID).Top() {
				h.Impact = 4
			}
			h.Detail = fmt.Sprintf("%s %s; a parser resolving external entities would let a document read its files or reach internal services.",
				e.Name(c.ID), how)
			emit(h)
		}
	})
}
