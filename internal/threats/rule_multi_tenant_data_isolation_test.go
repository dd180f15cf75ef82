package threats

import "testing"

func TestMultiTenantDataIsolation(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: invoices, name: Invoices, classification: confidential}
  - {id: docs, classification: public}
components:
`
	runRuleCases(t, "multi-tenant-data-isolation", []ruleCase{
		{name: "shared database with confidential data",
			src:    head + "  - {id: db, name: Billing DB, type: database, multi_tenant: true, stores: [invoices]}\n",
			want:   []string{"multi-tenant-data-isolation@db"},
			detail: map[string][]string{"multi-tenant-data-isolation@db": {"Billing DB", "Invoices"}}},
		{name: "shared api processing confidential data",
			src:  head + "  - {id: api, type: api, multi_tenant: true, processes: [invoices]}\n",
			want: []string{"multi-tenant-data-isolation@api"}},
		{name: "tenant isolation in place",
			src:     head + "  - {id: db, type: database, multi_tenant: true, stores: [invoices], controls: [tenant-isolation]}\n",
			want:    []string{"multi-tenant-data-isolation@db"},
			inPlace: map[string][]string{"multi-tenant-data-isolation@db": {"tenant-isolation"}}},
		{name: "single tenant", src: head + "  - {id: db, type: database, stores: [invoices]}\n"},
		{name: "public data only", src: head + "  - {id: db, type: database, multi_tenant: true, stores: [docs]}\n"},
	})
}
