package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("xpath-injection", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if threats.Kind(c) != model.KindProcess || e.IsClient(c) || !c.CustomCode || !e.ReachedByInput(c) || e.Has(c.ID, "parameterized-queries") {
				continue
			}
			xml := threats.TechIs(c, "xpath", "xquery", "xslt", "saxon", "xalan")
			for _, f := range e.Outgoing(c.ID) {
				if t := e.Target(f); t != nil && threats.TechIs(t, "basex", "marklogic", "exist-db", "existdb", "xml-database") {
					xml = true
				}
			}
			if xml && slices.Contains(c.DataFormats, "xml") || xml && threats.TechIs(c, "xquery") {
				emit(threats.Hit{Targets: []string{c.ID}, Detail: fmt.Sprintf("%s builds XPath or XQuery expressions over XML with input "+
					"from outside: quotes and predicates in the input change the query and select nodes the caller may not see.", e.Name(c.ID))})
			}
		}
	})
}
