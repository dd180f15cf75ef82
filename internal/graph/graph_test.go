package graph

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

func load(t testing.TB, src string) *model.Model {
	t.Helper()
	m, problems, err := model.LoadBytes(context.Background(), "m.yaml", []byte(src), model.Options{})
	if err != nil || len(problems.Errors()) > 0 {
		t.Fatalf("model: %v %v", err, problems.Errors())
	}
	return m
}

const pathsModel = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: cards, classification: restricted}
  - {id: hr, classification: confidential}
  - {id: menu, classification: public}
  - {id: partner-copy, classification: restricted}
components:
  - {id: user, type: user}
  - {id: partner, type: third-party-service, stores: [partner-copy]}
  - {id: web, type: web-application, internet_facing: true, processes: [menu]}
  - {id: api, type: api}
  - {id: db, type: database, stores: [cards]}
  - {id: hrdb, type: database, stores: [hr]}
  - {id: island, type: service, stores: [hr]}
flows:
  - {id: u-w, from: user, to: web, protocol: https}
  - {id: w-a, from: web, to: api, protocol: https, authentication: token}
  - {id: a-d, from: api, to: db, protocol: sql}
  - {id: w-d, from: web, to: db, protocol: sql, authentication: mtls}
  - {id: p-a, from: partner, to: api, protocol: https, authentication: mtls}
  - {id: a-h, from: api, to: hrdb, protocol: sql, authentication: password}
`

func TestAttackPaths(t *testing.T) {
	m := load(t, pathsModel)
	r := New(m).Reachable()
	got := r.AttackPaths()
	// web is internet-facing, so paths start there at probability 1.
	// cards: web->api->db is 0.5*0.9 = 0.45 against web->db 0.3.
	// hr: via api then hrdb (0.5*0.5 = 0.25); island is unreachable.
	// partner-copy is held by an external entity only: no path.
	want := []AttackPath{
		{Data: "cards", Classification: "restricted", Target: "db",
			Path: Path{Components: []string{"web", "api", "db"}, Flows: []string{"w-a", "a-d"}, Likelihood: 0.45}},
		{Data: "hr", Classification: "confidential", Target: "hrdb",
			Path: Path{Components: []string{"web", "api", "hrdb"}, Flows: []string{"w-a", "a-h"}, Likelihood: 0.25}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attack paths:\n got %+v\nwant %+v", got, want)
	}
	if r.Exposed("island") || !r.Exposed("hrdb") || !r.Exposed("user") {
		t.Error("exposure wrong: island must be unreachable, hrdb and user reachable")
	}
	if p := r.Probability("api"); math.Abs(p-0.5) > 1e-9 {
		t.Errorf("Probability(api) = %v, want 0.5", p)
	}
}

func TestStepProbability(t *testing.T) {
	ix := load(t, pathsModel).Index()
	tests := []struct {
		flow model.Flow
		want float64
	}{
		{model.Flow{To: "api"}, 0.9},
		{model.Flow{To: "api", Authentication: "token"}, 0.5},
		{model.Flow{To: "api", Authentication: "mtls"}, 0.3},
		{model.Flow{To: "api", Authentication: "none", IPFiltered: true}, 0.72},
		{model.Flow{To: "api", Authentication: "token", Authorization: "rbac"}, 0.45},
	}
	for _, tt := range tests {
		if got := StepProbability(ix, &tt.flow); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("StepProbability(%+v) = %v, want %v", tt.flow, got, tt.want)
		}
	}
}

// generated builds a layered model: entries at the front, datastores at the back.
func generated(n int) string {
	var b strings.Builder
	b.WriteString("rampart: 1\nsystem: {id: g, name: G}\ndata:\n")
	for i := 0; i < n/10; i++ {
		fmt.Fprintf(&b, "  - {id: d%d, classification: confidential}\n", i)
	}
	b.WriteString("components:\n")
	for i := 0; i < n; i++ {
		switch {
		case i%50 == 0:
			fmt.Fprintf(&b, "  - {id: c%d, type: web-application, internet_facing: true}\n", i)
		case i%10 == 9:
			fmt.Fprintf(&b, "  - {id: c%d, type: database, stores: [d%d]}\n", i, i/10)
		default:
			fmt.Fprintf(&b, "  - {id: c%d, type: service}\n", i)
		}
	}
	b.WriteString("flows:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {id: f%d, from: c%d, to: c%d, protocol: https, authentication: token}\n", i, i, (i+1)%n)
		fmt.Fprintf(&b, "  - {id: g%d, from: c%d, to: c%d, protocol: https}\n", i, i, (i*7+3)%n)
	}
	return b.String()
}

func BenchmarkAttackPaths10k(b *testing.B) {
	m := load(b, generated(10_000))
	b.ReportAllocs()
	for b.Loop() {
		if len(New(m).Reachable().AttackPaths()) == 0 {
			b.Fatal("no paths")
		}
	}
}
