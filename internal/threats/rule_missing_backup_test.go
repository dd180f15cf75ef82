package threats

import "testing"

func TestMissingBackup(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: ledger, name: Ledger, classification: confidential, cia: {availability: critical}}
  - {id: stock, name: Stock levels, classification: internal, cia: {availability: high}}
  - {id: sessions, classification: internal, cia: {availability: low}}
components:
`
	runRuleCases(t, "missing-backup", []ruleCase{
		{name: "database with critical availability data",
			src:    head + "  - {id: db, name: Ledger DB, type: database, stores: [ledger, sessions]}\n",
			want:   []string{"missing-backup@db"},
			detail: map[string][]string{"missing-backup@db": {"Ledger DB", "Ledger"}}},
		{name: "object storage with high availability data",
			src:  head + "  - {id: bucket, type: object-storage, stores: [stock]}\n",
			want: []string{"missing-backup@bucket"}},
		{name: "backup in place",
			src:     head + "  - {id: db, type: database, stores: [ledger], controls: [backup]}\n",
			want:    []string{"missing-backup@db"},
			inPlace: map[string][]string{"missing-backup@db": {"backup"}}},
		{name: "low availability data", src: head + "  - {id: db, type: database, stores: [sessions]}\n"},
		{name: "cache", src: head + "  - {id: cache, type: cache, stores: [stock]}\n"},
		{name: "process holding the data in memory", src: head + "  - {id: api, type: api, processes: [ledger]}\n"},
	})
}

func TestMissingBackupImpact(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: s, name: S}
data:
  - {id: ledger, classification: confidential, cia: {availability: critical}}
  - {id: stock, classification: internal, cia: {availability: high}}
components:
  - {id: a, type: database, stores: [ledger]}
  - {id: b, type: database, stores: [stock]}
`)
	r, _ := Lookup("missing-backup")
	want := map[string]int{"missing-backup@a": 5, "missing-backup@b": 4}
	for _, th := range Identify(m, []Rule{r}) {
		if th.Impact != want[th.ID] {
			t.Errorf("%s: impact %d, want %d", th.ID, th.Impact, want[th.ID])
		}
	}
}
