package threats

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "xml-external-entity",
			Title:       "XML external entity (XXE)",
			STRIDE:      []model.STRIDE{model.InformationDisclosure, model.DenialOfService},
			Scope:       ScopeComponent,
			CWE:         []int{611, 776},
			CAPEC:       []int{221},
			ATTACK:      []string{"T1190"},
			Likelihood:  4,
			Impact:      3,
			Mitigations: []string{"xml-hardening", "input-validation"},
			Threagile:   []string{"xml-external-entity"},
			Trigger:     "An in-scope component accepts XML input (data format 'xml', or incoming SOAP flows).",
			Why: "XML parsers that resolve external entities and DTDs let a crafted document read local files (keys, " +
				"configuration), make the server request internal URLs (SSRF, cloud metadata) or exhaust memory with " +
				"entity expansion.",
			Mitigation: "Disable DTDs and external entity resolution in every XML parser the component uses (or use a parser " +
				"that does so by default), and keep XML libraries and third-party products patched.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				how := ""
				if slices.Contains(c.DataFormats, "xml") {
					how = "accepts XML input"
				} else {
					for _, f := range e.Incoming(c.ID) {
						if f.Protocol == "soap" {
							how = "receives SOAP messages over " + e.rbFlowName(f)
							break
						}
					}
				}
				if how == "" {
					continue
				}
				h := Hit{Targets: []string{c.ID}}
				if r := e.rbHeld(c); r.top() || r.A >= 5 {
					h.Impact = 4
				}
				h.Detail = fmt.Sprintf("%s %s; a parser resolving external entities would let a document read its files or reach internal services.",
					e.Name(c.ID), how)
				emit(h)
			}
		},
	})
}
