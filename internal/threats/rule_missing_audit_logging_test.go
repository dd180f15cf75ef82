package threats

import "testing"

func TestMissingAuditLogging(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: orders, name: Orders, classification: confidential}
  - {id: catalogue, classification: public}
controls:
  - {id: central-audit, catalog: audit-logging, status: implemented}
  - {id: audit-later, catalog: audit-logging, status: planned}
components:
`
	runRuleCases(t, "missing-audit-logging", []ruleCase{
		{name: "process with confidential data and no audit log",
			src:    head + "  - {id: api, name: Order API, type: api, custom_code: true, processes: [orders]}\n",
			want:   []string{"missing-audit-logging@api"},
			detail: map[string][]string{"missing-audit-logging@api": {"Order API", "Orders"}}},
		{name: "admin interface on a process with public data only",
			src:    head + "  - {id: cms, type: web-application, admin_interface: true, processes: [catalogue]}\n",
			want:   []string{"missing-audit-logging@cms"},
			detail: map[string][]string{"missing-audit-logging@cms": {"administration interface"}}},
		{name: "implemented audit logging is reported in place",
			src:     head + "  - {id: api, type: api, human_use: true, processes: [orders], controls: [central-audit]}\n",
			want:    []string{"missing-audit-logging@api"},
			inPlace: map[string][]string{"missing-audit-logging@api": {"central-audit"}}},
		{name: "planned audit logging leaves the threat open",
			src:     head + "  - {id: idp, type: identity-provider, processes: [orders], controls: [audit-later]}\n",
			want:    []string{"missing-audit-logging@idp"},
			inPlace: map[string][]string{"missing-audit-logging@idp": nil}},
		{name: "off-the-shelf infrastructure passing confidential data", src: head + "  - {id: broker, type: message-broker, processes: [orders]}\n"},
		{name: "process with public data only", src: head + "  - {id: web, type: web-server, processes: [catalogue]}\n"},
		{name: "datastore is not a process", src: head + "  - {id: db, type: database, stores: [orders]}\n"},
		{name: "client-side app", src: head + "  - {id: app, type: mobile-app, processes: [orders]}\n"},
		{name: "out of scope", src: head + "  - {id: api, type: api, custom_code: true, processes: [orders], out_of_scope: true}\n"},
	})
}
