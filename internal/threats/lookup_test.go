package threats

import (
	"slices"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// TestPosition finds an item of a list by its address, and nothing for a
// copy of an item, an item of another list or nil.
func TestPosition(t *testing.T) {
	list := []model.Component{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	other := []model.Component{{ID: "a"}}
	copied := list[1]
	for _, c := range []struct {
		name string
		p    *model.Component
		want int
	}{
		{"first", &list[0], 0},
		{"last", &list[2], 2},
		{"a copy", &copied, -1},
		{"another list", &other[0], -1},
		{"nil", nil, -1},
	} {
		if got := position(list, c.p); got != c.want {
			t.Errorf("%s: position %d, want %d", c.name, got, c.want)
		}
	}
	if got := position([]model.Component(nil), &list[0]); got != -1 {
		t.Errorf("empty list: position %d, want -1", got)
	}
}

// TestEnvFactsMatchLookups checks the precomputed answers against the
// lookups they replace, element by element, on a model with duplicate-free
// ids, nested boundaries and controls on flows.
func TestEnvFactsMatchLookups(t *testing.T) {
	m := &model.Model{Rampart: 1, System: model.System{ID: "s", Name: "S"},
		Data: []model.DataAsset{{ID: "d1", Name: "Cards", Classification: "restricted"}, {ID: "d2", Classification: "internal"}},
		TrustBoundaries: []model.TrustBoundary{{ID: "net", Type: "network-segment", Contains: []string{"pod"}},
			{ID: "pod", Type: "container", Contains: []string{"api"}}},
		Components: []model.Component{
			{ID: "user", Type: "user"},
			{ID: "api", Name: "API", Type: "api", Processes: []string{"d2", "d1"}, Controls: []string{"waf", "own"}},
			{ID: "db", Type: "database", Stores: []string{"d1"}, TrustBoundary: "net"},
		},
		Flows: []model.Flow{{ID: "f1", From: "user", To: "api", Protocol: "https", DataSent: []string{"d2"}},
			{ID: "f2", Name: "Queries", From: "api", To: "db", Protocol: "jdbc", Controls: []string{"tls"}, DataSent: []string{"d1", "d2"}}},
		Controls: []model.Control{{ID: "own", Status: "planned", Mitigates: []string{"CWE-89"}}},
	}
	e := NewEnv(m)
	for _, id := range []string{"user", "api", "db", "f1", "f2", "d1", "d2", "net", "pod", "nothing"} {
		if got, want := e.Name(id), e.nameOf(id); got != want {
			t.Errorf("Name(%s) = %q, lookups give %q", id, got, want)
		}
		if got, want := e.Rate(id), e.rateOf(id); got != want {
			t.Errorf("Rate(%s) = %v, lookups give %v", id, got, want)
		}
		if got, want := e.Network(id), e.networkOf(id); got != want {
			t.Errorf("Network(%s) = %q, lookups give %q", id, got, want)
		}
		if got, want := e.Pos(id), e.posOf(id); got != want {
			t.Errorf("Pos(%s) = %v, lookups give %v", id, got, want)
		}
		if got, want := e.DataAtStake(id), e.dataAtStake([]string{id}); !slices.Equal(got, want) {
			t.Errorf("DataAtStake(%s) = %q, lookups give %q", id, got, want)
		}
		if got, want := e.listed(id), e.listedOf(id); !slices.Equal(got, want) {
			t.Errorf("listed(%s) = %q, lookups give %q", id, got, want)
		}
	}
	for _, ids := range [][]string{{"f2", "db"}, {"api", "f1", "nothing"}, {"d2", "d1", "d2"}} {
		if got, want := e.DataAtStake(ids...), e.dataAtStake(ids); !slices.Equal(got, want) {
			t.Errorf("DataAtStake(%q) = %q, lookups give %q", ids, got, want)
		}
	}
	for i := range m.Flows {
		f := &m.Flows[i]
		if e.Source(f) != e.Ix.Components[f.From] || e.Target(f) != e.Ix.Components[f.To] {
			t.Errorf("ends of %s differ from the index", f.ID)
		}
		if got, want := e.CrossesNetwork(f), e.Ix.CrossesNetwork(f.From, f.To); got != want {
			t.Errorf("CrossesNetwork(%s) = %v, the index says %v", f.ID, got, want)
		}
	}
	for i := range m.Components {
		if c := &m.Components[i]; e.Traits(c) != TraitsOf(c) {
			t.Errorf("Traits(%s) differ from TraitsOf", c.ID)
		}
	}
}
