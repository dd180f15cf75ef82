package builtin

import (
	"fmt"
	"sort"

	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("unencrypted-communication", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			if threats.EncryptedOnWire(f) || threats.Local(f.Protocol) || e.Is(from, threats.TraitMonitoring) || e.Is(to, threats.TraitMonitoring) {
				continue
			}
			ids := append(append([]string{}, f.DataSent...), f.DataReceived...)
			sort.Strings(ids)
			high, medium := e.Authenticated(f), false
			for _, id := range ids {
				r := e.RateData([]string{id}).Secrecy()
				high = high || r.Top()
				medium = medium || r.Sensitive()
			}
			if !high && (!medium || f.VPN) {
				continue
			}
			h := threats.Hit{Targets: []string{f.ID}, Impact: 3, Likelihood: 2}
			if high {
				h.Impact = 4
			}
			if e.CrossesNetwork(f) {
				h.Likelihood = 3
			}
			what := "sensitive data"
			if e.Authenticated(f) {
				what = "credentials (" + string(f.Authentication) + ") and data"
			}
			h.Detail = fmt.Sprintf("%s sends %s to %s over %s in cleartext.", e.Name(from.ID), what, e.Name(to.ID), f.Protocol)
			if f.VPN {
				h.Detail += " The VPN does not cover data this sensitive end to end."
			}
			emit(h)
		}
	})
}
