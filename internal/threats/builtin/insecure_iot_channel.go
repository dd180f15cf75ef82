package builtin

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

func init() {
	register("insecure-iot-channel", func(e *threats.Env, emit func(threats.Hit)) {
		for _, f := range e.Flows() {
			from, to := e.Source(f), e.Target(f)
			device := from
			if !e.Is(device, threats.TraitIoT) {
				device = to
			}
			if !e.Is(device, threats.TraitIoT) || f.Protocol == "in-process" {
				continue
			}
			var gaps []string
			if !e.Encrypted(f) && !e.Has(f.ID, "tls") {
				gaps = append(gaps, fmt.Sprintf("travels unencrypted over %s", f.Protocol))
			}
			if !deviceIdentity(f) {
				how := "no device credential"
				if f.Authentication != "" && f.Authentication != "none" {
					how = "a " + string(f.Authentication) + " that every clone of the device can present"
				}
				gaps = append(gaps, "relies on "+how)
			}
			if len(gaps) == 0 {
				continue
			}
			emit(threats.Hit{Targets: []string{f.ID},
				Detail: fmt.Sprintf("%s between %s and %s %s.", e.Name(f.ID), e.Name(from.ID), e.Name(to.ID),
					strings.Join(gaps, " and "))})
		}
	})
}

// deviceIdentity reports whether a flow authenticates the device with its own certificate.
func deviceIdentity(f *model.Flow) bool {
	switch {
	case f.Authentication == "mtls", f.Authentication == "client-certificate", f.Encryption == "mtls":
		return true
	}
	return false
}
