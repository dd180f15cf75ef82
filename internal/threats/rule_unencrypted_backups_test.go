package threats

import "testing"

func TestUnencryptedBackups(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: customers, name: Customer records, classification: internal, personal: true}
  - {id: cards, name: Card data, classification: restricted}
  - {id: catalogue, classification: public}
controls:
  - {id: nightly, catalog: backup, status: planned}
components:
`
	runRuleCases(t, "unencrypted-backups", []ruleCase{
		{name: "backed-up personal data",
			src:    head + "  - {id: db, name: CRM DB, type: database, stores: [customers], controls: [backup]}\n",
			want:   []string{"unencrypted-backups@db"},
			detail: map[string][]string{"unencrypted-backups@db": {"CRM DB", "Customer records"}}},
		{name: "planned backups of restricted data",
			src:  head + "  - {id: db, type: database, stores: [cards], controls: [nightly]}\n",
			want: []string{"unencrypted-backups@db"}},
		{name: "backup encryption in place",
			src:     head + "  - {id: db, type: database, stores: [cards], controls: [backup, backup-encryption]}\n",
			want:    []string{"unencrypted-backups@db"},
			inPlace: map[string][]string{"unencrypted-backups@db": {"backup-encryption"}}},
		{name: "no backups", src: head + "  - {id: db, type: database, stores: [cards]}\n"},
		{name: "public data only", src: head + "  - {id: db, type: database, stores: [catalogue], controls: [backup]}\n"},
		{name: "application-level encryption", src: head + "  - {id: db, type: database, stores: [cards], encryption_at_rest: application, controls: [backup]}\n"},
	})
}
