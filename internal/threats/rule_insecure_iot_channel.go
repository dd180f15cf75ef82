package threats

import (
	"fmt"
	"strings"

	"github.com/rampart-sec/rampart/internal/model"
)

func init() {
	register(Rule{
		Meta: Meta{
			ID:          "insecure-iot-channel",
			Title:       "Unprotected channel to a connected device",
			STRIDE:      []model.STRIDE{model.Tampering, model.Spoofing, model.InformationDisclosure},
			Scope:       ScopeFlow,
			CWE:         []int{319, 923, 290},
			CAPEC:       []int{94, 157},
			ATTACK:      []string{"T1557", "T1040", "T1565.002"},
			Likelihood:  3,
			Impact:      3,
			Mitigations: []string{"mtls"},
			Trigger: "A flow to or from an IoT device (type iot-device or hosting device) is not encrypted (by its " +
				"protocol, its encryption or a tls control), or the " +
				"device proves its identity with no credential, a password or a shared API key instead of a " +
				"per-device certificate (mtls, client-certificate).",
			Why: "Devices talk over networks nobody controls (home Wi-Fi, cellular, shop floors) using lightweight " +
				"protocols such as MQTT and CoAP that are often deployed in clear. An attacker on the path can read " +
				"telemetry, inject commands or firmware, and with a shared or absent credential can impersonate " +
				"any device or clone a fleet.",
			Mitigation: "Use MQTT over TLS (mqtts) or CoAP over DTLS, give every device its own certificate " +
				"provisioned at manufacture and stored in secure hardware, authenticate the server from the " +
				"device, and authorise each device to its own topics only.",
			References: []string{
				"https://owasp.org/www-project-internet-of-things/",
				"NIST IR 8259A, IoT Device Cybersecurity Capability Core Baseline",
				"ETSI EN 303 645, Cyber Security for Consumer Internet of Things",
			},
		},
		Check: func(e *Env, emit func(Hit)) {
			for _, f := range e.Flows() {
				from, to := e.Source(f), e.Target(f)
				device := from
				if !iotDevice(device) {
					device = to
				}
				if !iotDevice(device) || f.Protocol == "in-process" {
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
				emit(Hit{Targets: []string{f.ID},
					Detail: fmt.Sprintf("%s between %s and %s %s.", e.Name(f.ID), e.Name(from.ID), e.Name(to.ID),
						strings.Join(gaps, " and "))})
			}
		},
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
