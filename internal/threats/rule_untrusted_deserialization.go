package threats

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "untrusted-deserialization",
			Title:       "Untrusted deserialisation",
			STRIDE:      []model.STRIDE{model.Tampering, model.ElevationOfPrivilege},
			Scope:       ScopeComponent,
			CWE:         []int{502},
			CAPEC:       []int{586},
			ATTACK:      []string{"T1190", "T1210"},
			Likelihood:  3,
			Impact:      4,
			Mitigations: []string{"safe-deserialization", "input-validation"},
			Threagile:   []string{"untrusted-deserialization"},
			Trigger: "An in-scope component accepts serialised objects (data format 'serialization') or is built on a " +
				"technology that deserialises by design (EJB, Java RMI, IIOP/CORBA). Flows from another network or " +
				"from the internet make it more likely.",
			Why: "Native object serialisation formats (Java, .NET, Python pickle, PHP, Ruby Marshal) instantiate whatever " +
				"types the data names; a crafted payload chains existing classes into remote code execution on the server.",
			Mitigation: "Do not deserialise untrusted data, even from inside the network when it crosses a remote connection; " +
				"use data-only formats such as JSON with a schema. Where native serialisation cannot be avoided, allow-list " +
				"the types, sign the data and verify the signature first, and keep the libraries patched.",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html",
				"https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, c := range e.Components() {
				if !slices.Contains(c.DataFormats, "serialization") && !rbTech(c, "ejb", "rmi", "java-rmi", "iiop", "corba", "jrmp") {
					continue
				}
				h := Hit{Targets: []string{c.ID}}
				if r := e.rbHeld(c); r.top() || r.A >= 5 {
					h.Impact = 5
				}
				h.Detail = fmt.Sprintf("%s deserialises objects it receives; a crafted payload could run code on it.", e.Name(c.ID))
				for _, f := range e.Incoming(c.ID) {
					if e.CrossesNetwork(f) || e.rbFromOutside(e.Source(f)) {
						h.Likelihood = 4
						h.Detail += fmt.Sprintf(" Data reaches it from another network, at least over %s.", e.rbFlowName(f))
						break
					}
				}
				emit(h)
			}
		},
	})
}
