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
