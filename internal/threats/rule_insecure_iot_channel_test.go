package threats

import "testing"

func TestInsecureIoTChannel(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: meter, name: Smart meter, type: iot-device}
  - {id: broker, name: Telemetry broker, type: message-broker}
  - {id: gw, name: Field gateway, type: gateway, hosting: device}
flows:
`
	runRuleCases(t, "insecure-iot-channel", []ruleCase{
		{name: "plain mqtt with no credential",
			src:    head + "  - {id: telemetry, name: Telemetry, from: meter, to: broker, protocol: mqtt}\n",
			want:   []string{"insecure-iot-channel@telemetry"},
			detail: map[string][]string{"insecure-iot-channel@telemetry": {"Smart meter", "Telemetry broker", "unencrypted over mqtt", "no device credential"}}},
		{name: "tls with a shared api key",
			src:    head + "  - {id: telemetry, from: meter, to: broker, protocol: mqtts, authentication: api-key}\n",
			want:   []string{"insecure-iot-channel@telemetry"},
			detail: map[string][]string{"insecure-iot-channel@telemetry": {"api-key"}}},
		{name: "commands to a device-hosted gateway over coap",
			src:  head + "  - {id: cmd, from: broker, to: gw, protocol: coap, authentication: client-certificate}\n",
			want: []string{"insecure-iot-channel@cmd"}},
		{name: "mtls control in place",
			src:     head + "  - {id: telemetry, from: meter, to: broker, protocol: mqtt, controls: [mtls]}\n",
			want:    []string{"insecure-iot-channel@telemetry"},
			inPlace: map[string][]string{"insecure-iot-channel@telemetry": {"mtls"}}},
		{name: "tls control covers encryption, device identity still missing",
			src:    head + "  - {id: telemetry, from: meter, to: broker, protocol: mqtt, authentication: password, controls: [tls]}\n",
			want:   []string{"insecure-iot-channel@telemetry"},
			detail: map[string][]string{"insecure-iot-channel@telemetry": {"password"}},
			absent: map[string][]string{"insecure-iot-channel@telemetry": {"unencrypted"}}},
		{name: "tls control and device certificates", src: head + "  - {id: telemetry, from: meter, to: broker, protocol: mqtt, authentication: client-certificate, controls: [tls]}\n"},
		{name: "mqtts with device certificates", src: head + "  - {id: telemetry, from: meter, to: broker, protocol: mqtts, authentication: mtls}\n"},
		{name: "no device involved", src: `
rampart: 1
system: {id: s, name: S}
components:
  - {id: app, type: service}
  - {id: broker, type: message-broker}
flows:
  - {id: f, from: app, to: broker, protocol: mqtt}
`},
	})
}
