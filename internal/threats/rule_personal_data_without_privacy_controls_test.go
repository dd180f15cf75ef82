package threats

import "testing"

func TestPersonalDataWithoutPrivacyControls(t *testing.T) {
	const head = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: customers, name: Customer profiles, classification: confidential, personal: true, quantity: very-many}
  - {id: prices, classification: public}
components:
`
	runRuleCases(t, "personal-data-without-privacy-controls", []ruleCase{
		{name: "database with personal data",
			src:    head + "  - {id: crm, name: CRM, type: database, stores: [customers, prices]}\n",
			want:   []string{"personal-data-without-privacy-controls@crm"},
			detail: map[string][]string{"personal-data-without-privacy-controls@crm": {"CRM", "Customer profiles"}}},
		{name: "privacy controls in place",
			src:     head + "  - {id: crm, type: database, stores: [customers], controls: [privacy-controls]}\n",
			want:    []string{"personal-data-without-privacy-controls@crm"},
			inPlace: map[string][]string{"personal-data-without-privacy-controls@crm": {"privacy-controls"}}},
		{name: "personal data only processed in memory", src: head + "  - {id: api, type: api, processes: [customers]}\n"},
		{name: "no personal data", src: head + "  - {id: db, type: database, stores: [prices]}\n"},
	})
}

func TestPersonalDataWithoutPrivacyControlsMeta(t *testing.T) {
	r, _ := Lookup("personal-data-without-privacy-controls")
	m := load(t, `
rampart: 1
system: {id: s, name: S}
data:
  - {id: many, classification: internal, personal: true, quantity: very-many}
  - {id: few, classification: internal, personal: true, quantity: few}
components:
  - {id: a, type: database, stores: [many]}
  - {id: b, type: database, stores: [few]}
`)
	want := map[string]int{"personal-data-without-privacy-controls@a": 4, "personal-data-without-privacy-controls@b": 3}
	for _, th := range Identify(m, []Rule{r}) {
		if th.Category != "privacy" {
			t.Errorf("%s: category %q, want privacy", th.ID, th.Category)
		}
		if th.Impact != want[th.ID] {
			t.Errorf("%s: impact %d, want %d", th.ID, th.Impact, want[th.ID])
		}
	}
}
