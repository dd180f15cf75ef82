package threats

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

const strideModel = `
rampart: 1
system: {id: s, name: S}
components:
  - {id: user, type: user}
  - {id: web, type: web-application}
  - {id: db, type: database}
  - {id: audit, type: log-store}
  - {id: gone, type: service, out_of_scope: true}
flows:
  - {id: login, from: user, to: web, protocol: https}
  - {id: q, from: web, to: db, protocol: jdbc}
`

func TestStrideMatrix(t *testing.T) {
	m := load(t, strideModel)
	found := []Threat{
		{ID: "spoof@user", Targets: []string{"user"}, STRIDE: []model.STRIDE{model.Spoofing}},
		{ID: "inj@q", Targets: []string{"q"}, STRIDE: []model.STRIDE{model.Tampering, model.InformationDisclosure}},
		{ID: "enc@q", Targets: []string{"q"}, STRIDE: []model.STRIDE{model.InformationDisclosure}, InPlace: []string{"tls"}},
		{ID: "tls@q", Targets: []string{"q"}, STRIDE: []model.STRIDE{model.Tampering}, InPlace: []string{"tls"}},
		{ID: "pair@web+db", Targets: []string{"web", "db"}, STRIDE: []model.STRIDE{model.ElevationOfPrivilege, model.DenialOfService}, InPlace: []string{"x"}},
		{ID: "other@gone", Targets: []string{"gone"}, STRIDE: []model.STRIDE{model.Tampering}},
	}
	cells := StrideMatrix(m, found)

	var got []string
	for _, c := range cells {
		got = append(got, fmt.Sprintf("%s/%s/%s/%s/%s", c.Element, c.Kind, c.Category, c.State, strings.Join(c.Threats, ",")))
	}
	want := []string{
		"user/external-entity/spoofing/open/spoof@user",
		"user/external-entity/repudiation/no-threat/",
		"web/process/spoofing/no-threat/",
		"web/process/tampering/no-threat/",
		"web/process/repudiation/no-threat/",
		"web/process/information-disclosure/no-threat/",
		"web/process/denial-of-service/mitigated/pair@web+db",
		"web/process/elevation-of-privilege/mitigated/pair@web+db",
		"db/datastore/tampering/no-threat/",
		"db/datastore/information-disclosure/no-threat/",
		"db/datastore/denial-of-service/mitigated/pair@web+db",
		"audit/datastore/tampering/no-threat/",
		"audit/datastore/repudiation/no-threat/",
		"audit/datastore/information-disclosure/no-threat/",
		"audit/datastore/denial-of-service/no-threat/",
		"login/flow/tampering/no-threat/",
		"login/flow/information-disclosure/no-threat/",
		"login/flow/denial-of-service/no-threat/",
		"q/flow/tampering/open/inj@q,tls@q",
		"q/flow/information-disclosure/open/enc@q,inj@q",
		"q/flow/denial-of-service/no-threat/",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("matrix:\n got  %q\n want %q", got, want)
	}
	if again := StrideMatrix(m, found); !reflect.DeepEqual(again, cells) {
		t.Error("StrideMatrix is not deterministic")
	}
}

func TestStrideMatrixWithRules(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: restricted}
components:
  - {id: api, type: api}
  - {id: db, type: database, stores: [pii]}
flows:
  - {id: q, from: api, to: db, protocol: jdbc, data_sent: [pii], controls: [tls]}
`)
	r1, _ := Lookup("unencrypted-communication")
	r2, _ := Lookup("unencrypted-asset")
	states := map[string]string{}
	for _, c := range StrideMatrix(m, Identify(m, []Rule{r1, r2})) {
		states[c.Element+"/"+string(c.Category)] = c.State
	}
	for key, want := range map[string]string{
		"q/information-disclosure":  StrideMitigated, // unencrypted-communication, TLS control in place
		"db/information-disclosure": StrideOpen,      // unencrypted-asset, nothing in place
		"db/tampering":              StrideNoThreat,
		"api/spoofing":              StrideNoThreat,
	} {
		if states[key] != want {
			t.Errorf("%s: state %q, want %q", key, states[key], want)
		}
	}
}

func TestApplicableSTRIDE(t *testing.T) {
	tests := []struct {
		kind string
		log  bool
		want int
	}{
		{model.KindExternalEntity, false, 2},
		{model.KindProcess, false, 6},
		{model.KindDataStore, false, 3},
		{model.KindDataStore, true, 4},
		{KindFlow, false, 3},
		{"unknown", false, 0},
	}
	for _, tt := range tests {
		if got := len(ApplicableSTRIDE(tt.kind, tt.log)); got != tt.want {
			t.Errorf("%s (log %v): %d categories, want %d", tt.kind, tt.log, got, tt.want)
		}
	}
}

func BenchmarkStrideMatrix(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n")
	const n = 2000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  - {id: c%d, type: service}\n", i)
	}
	sb.WriteString("flows:\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&sb, "  - {id: f%d, from: c%d, to: c%d, protocol: http, authentication: password}\n", i, i-1, i)
	}
	m, _, err := model.LoadBytes(b.Context(), "bench.yaml", []byte(sb.String()), model.Options{})
	if err != nil {
		b.Fatal(err)
	}
	found := Identify(m, Builtin())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		StrideMatrix(m, found)
	}
}
