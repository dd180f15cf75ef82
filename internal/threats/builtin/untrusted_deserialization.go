package builtin

import (
	"fmt"
	"slices"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("untrusted-deserialization", func(e *threats.Env, emit func(threats.Hit)) {
		for _, c := range e.Components() {
			if !slices.Contains(c.DataFormats, "serialization") && !threats.TechIs(c, "ejb", "rmi", "java-rmi", "iiop", "corba", "jrmp") {
				continue
			}
			h := threats.Hit{Targets: []string{c.ID}}
			if e.Rate(c.ID).Top() {
				h.Impact = 5
			}
			h.Detail = fmt.Sprintf("%s deserialises objects it receives; a crafted payload could run code on it.", e.Name(c.ID))
			for _, f := range e.Incoming(c.ID) {
				if e.CrossesNetwork(f) || e.FromInternet(e.Source(f)) {
					h.Likelihood = 4
					h.Detail += fmt.Sprintf(" Data reaches it from another network, at least over %s.", e.FlowName(f))
					break
				}
			}
			emit(h)
		}
	})
}
