package threats

import "testing"

func TestPersonalDataUnencryptedAtRest(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: patients, name: Patient records, classification: restricted, personal: true}
  - {id: prices, classification: confidential}
components:
`
	runRuleCases(t, "personal-data-unencrypted-at-rest", []ruleCase{
		{name: "no encryption declared",
			src:    head + "  - {id: db, name: Clinic DB, type: database, stores: [patients]}\n",
			want:   []string{"personal-data-unencrypted-at-rest@db"},
			detail: map[string][]string{"personal-data-unencrypted-at-rest@db": {"Clinic DB", "Patient records", "does not declare"}}},
		{name: "encryption explicitly none",
			src:    head + "  - {id: files, type: file-storage, stores: [patients], encryption_at_rest: none}\n",
			want:   []string{"personal-data-unencrypted-at-rest@files"},
			detail: map[string][]string{"personal-data-unencrypted-at-rest@files": {"does not encrypt"}}},
		{name: "encryption control in place",
			src:     head + "  - {id: db, type: database, stores: [patients], controls: [encryption-at-rest]}\n",
			want:    []string{"personal-data-unencrypted-at-rest@db"},
			inPlace: map[string][]string{"personal-data-unencrypted-at-rest@db": {"encryption-at-rest"}}},
		{name: "platform encryption", src: head + "  - {id: db, type: database, stores: [patients], encryption_at_rest: platform}\n"},
		{name: "no personal data", src: head + "  - {id: db, type: database, stores: [prices]}\n"},
	})
}
