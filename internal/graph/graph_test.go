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
	r := New(m, Options{}).Reachable()
	// Entry points: user, partner (external entities) and web (internet
	// facing). user reaches only web, itself an entry point, so it has no
	// paths of its own. From web: web->api->db is 0.5*0.9 = 0.45, web->db
	// 0.3, web->api->hrdb 0.5*0.5 = 0.25. From partner: partner->api (mtls
	// 0.3) then db (0.27) or hrdb (0.15). island is unreachable;
	// partner-copy is held by an external entity only: no path to it.
	p := func(data, class, target string, l float64, flows []string, comps ...string) AttackPath {
		return AttackPath{Entry: comps[0], Data: data, Classification: model.Classification(class), Target: target,
			Path: Path{Components: comps, Flows: flows, Likelihood: l}}
	}
	all := []AttackPath{
		p("cards", "restricted", "db", 0.45, []string{"w-a", "a-d"}, "web", "api", "db"),
		p("cards", "restricted", "db", 0.3, []string{"w-d"}, "web", "db"),
		p("cards", "restricted", "db", 0.27, []string{"p-a", "a-d"}, "partner", "api", "db"),
		p("hr", "confidential", "hrdb", 0.25, []string{"w-a", "a-h"}, "web", "api", "hrdb"),
		p("hr", "confidential", "hrdb", 0.15, []string{"p-a", "a-h"}, "partner", "api", "hrdb"),
	}
	tests := []struct {
		k    int
		want []AttackPath
	}{
		{0, all}, // the default, 3 per entry point
		{3, all},
		{1, []AttackPath{all[0], all[2]}},
		{2, []AttackPath{all[0], all[1], all[2], all[4]}},
	}
	for _, tt := range tests {
		if got := r.AttackPaths(tt.k); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("AttackPaths(%d):\n got %+v\nwant %+v", tt.k, got, tt.want)
		}
	}
	if r.Exposed("island") || !r.Exposed("hrdb") || !r.Exposed("user") {
		t.Error("exposure wrong: island must be unreachable, hrdb and user reachable")
	}
	if p := r.Probability("api"); math.Abs(p-0.5) > 1e-9 {
		t.Errorf("Probability(api) = %v, want 0.5", p)
	}
}

// TestClientsAreEntryPoints checks that a customer's browser is an entry
// point when the graph is told what a client is, that the person behind it
// then adds no path of their own, and that a target holding several data
// assets gives one path naming them all.
func TestClientsAreEntryPoints(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: confidential}
  - {id: cards, classification: restricted}
components:
  - {id: customer, type: user}
  - {id: browser, type: browser}
  - {id: api, type: api}
  - {id: db, type: database, stores: [pii, cards]}
flows:
  - {id: c-b, from: customer, to: browser, protocol: in-process}
  - {id: b-a, from: browser, to: api, protocol: https, authentication: token}
  - {id: a-d, from: api, to: db, protocol: sql}
`)
	isBrowser := func(c *model.Component) bool { return c.Type == "browser" }
	tests := []struct {
		name string
		opts Options
		want []AttackPath
	}{
		{"without a client test the person is the only entry point", Options{},
			[]AttackPath{{Entry: "customer", Data: "cards", Classification: "restricted", OtherData: []string{"pii"}, Target: "db",
				Path: Path{Components: []string{"customer", "browser", "api", "db"}, Flows: []string{"c-b", "b-a", "a-d"}, Likelihood: 0.405}}}},
		{"the browser is an entry point", Options{Client: isBrowser},
			[]AttackPath{{Entry: "browser", Data: "cards", Classification: "restricted", OtherData: []string{"pii"}, Target: "db",
				Path: Path{Components: []string{"browser", "api", "db"}, Flows: []string{"b-a", "a-d"}, Likelihood: 0.45}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New(m, tt.opts)
			if got := g.Reachable().AttackPaths(3); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if g.IsEntry("browser") != (tt.opts.Client != nil) {
				t.Errorf("IsEntry(browser) = %v", g.IsEntry("browser"))
			}
		})
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
		if len(New(m, Options{}).Reachable().AttackPaths(DefaultPathsPerEntry)) == 0 {
			b.Fatal("no paths")
		}
	}
}

// TestGuardsInFront checks that an internet-facing guard a browser calls is
// passed, not started from: the browser's paths go through it, one that
// nothing untrusted calls stays an entry point, and a client's own data is
// no path's target from the client itself.
func TestGuardsInFront(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: confidential}
  - {id: cards, classification: restricted}
components:
  - {id: browser, type: browser, processes: [pii]}
  - {id: cdn, type: waf, internet_facing: true}
  - {id: web, type: web-application, processes: [pii]}
  - {id: lb, type: load-balancer, internet_facing: true}
  - {id: api, type: api, stores: [cards]}
flows:
  - {id: b-c, from: browser, to: cdn, protocol: https}
  - {id: c-w, from: cdn, to: web, protocol: https}
  - {id: l-a, from: lb, to: api, protocol: https, authentication: token}
`)
	isClient := func(c *model.Component) bool { return c.Type == "browser" }
	isGuard := func(c *model.Component) bool { return c.Type == "waf" || c.Type == "load-balancer" }
	g := New(m, Options{Client: isClient, Guard: isGuard})
	want := []AttackPath{
		{Entry: "browser", Data: "pii", Classification: "confidential", Target: "web",
			Path: Path{Components: []string{"browser", "cdn", "web"}, Flows: []string{"b-c", "c-w"}, Likelihood: 0.81}},
		{Entry: "lb", Data: "cards", Classification: "restricted", Target: "api",
			Path: Path{Components: []string{"lb", "api"}, Flows: []string{"l-a"}, Likelihood: 0.5}},
	}
	if got := g.Reachable().AttackPaths(3); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	for id, entry := range map[string]bool{"browser": true, "cdn": false, "lb": true, "web": false} {
		if g.IsEntry(id) != entry {
			t.Errorf("IsEntry(%s) = %v, want %v", id, g.IsEntry(id), entry)
		}
	}
	if !g.Reachable().Exposed("cdn") {
		t.Error("the guard in front is no entry point, but it is still exposed")
	}
}
