package link

import (
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/model"
)

func TestOverlap(t *testing.T) {
	cases := []struct {
		a, b []string
		want bool
	}{
		{[]string{"T1059.001"}, []string{"T1059"}, true},
		{[]string{"T1059"}, []string{"T1059.003"}, true},
		{[]string{"T1059.001"}, []string{"T1059.003"}, false},
		{[]string{"T1105"}, []string{"T1105"}, true},
		{[]string{"T110"}, []string{"T1105"}, false},
		{nil, []string{"T1105"}, false},
	}
	for _, c := range cases {
		if got := Overlap(c.a, c.b); got != c.want {
			t.Errorf("Overlap(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestComponentsAndThreats(t *testing.T) {
	m := &model.Model{Components: []model.Component{
		{ID: "web", Detection: &model.Detection{Hosts: []string{"web-*"}, Fields: map[string][]string{"process.executable": {`c:\app\*`}}}},
		{ID: "dc", Detection: &model.Detection{LogSources: []model.DetectionLogSource{{Product: "windows", Service: "security"}}}},
		{ID: "api", Detection: &model.Detection{Services: []string{"Orders"}}},
		{ID: "untied"},
	}}
	threats := []Threat{
		{ID: "t-web", Targets: []string{"web"}, Techniques: []string{"T1190"}},
		{ID: "t-dc", Targets: []string{"dc"}, Techniques: []string{"T1110"}},
	}
	l := New(m, threats)
	cases := []struct {
		event string
		ls    sigma.LogSource
		want  string
	}{
		{`{"host":{"name":"WEB-01"}}`, sigma.LogSource{}, "web"},
		{`{"process":{"executable":"C:\\App\\run.exe"}}`, sigma.LogSource{}, "web"},
		{`{"x":1}`, sigma.LogSource{Product: "windows", Service: "security"}, "dc"},
		{`{"service":{"name":"orders"}}`, sigma.LogSource{}, "api"},
		{`{"Computer":"db-01"}`, sigma.LogSource{Product: "windows", Category: "process_creation"}, ""},
	}
	d := event.NewDecoder()
	for _, c := range cases {
		var ev event.Event
		if err := d.Decode([]byte(c.event), &ev); err != nil {
			t.Fatal(err)
		}
		got := ""
		for i, id := range l.Components(&ev, c.ls) {
			if i > 0 {
				got += ","
			}
			got += id
		}
		if got != c.want {
			t.Errorf("%s: components %q, want %q", c.event, got, c.want)
		}
	}
	if got := l.ThreatsFor([]string{"T1190.001"}, nil); len(got) != 1 || got[0] != "t-web" {
		t.Errorf("threats by technique: %v", got)
	}
	if got := l.ThreatsFor([]string{"T1190"}, []string{"dc"}); len(got) != 0 {
		t.Errorf("a threat to another component: %v", got)
	}
	cov := Compute(threats, []*sigma.Rule{{Title: "r", Tags: []string{"attack.t1110.003"}}})
	if len(cov.Uncovered) != 1 || cov.Uncovered[0] != "t-web" || len(cov.Threats[1].Rules) != 1 {
		t.Errorf("coverage %+v", cov)
	}
	layer := cov.Navigator("x")
	if len(layer.Techniques) != 2 || layer.Techniques[0].TechniqueID != "T1110" || layer.Techniques[0].Score != 1 || layer.Techniques[1].Color != uncoveredColor {
		t.Errorf("layer %+v", layer.Techniques)
	}
}
