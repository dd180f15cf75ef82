package correlate

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
)

const base = `title: failed logon
name: failed
logsource: {product: windows, service: security}
detection:
  sel:
    EventID: 4625
  condition: sel
---
title: success logon
name: success
logsource: {product: windows, service: security}
detection:
  sel:
    EventID: 4624
  condition: sel
---
`

type step struct {
	at  int // seconds
	js  string
	out int // correlation alerts expected from this event
}

func run(t *testing.T, correlation string, steps []step) *Engine {
	t.Helper()
	rules, probs := sigma.Parse("c.yml", []byte(base+correlation))
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	det, probs := sigma.Compile(rules)
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	e, probs := New(rules)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	m := det.NewMatcher()
	d := event.NewDecoder()
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i, s := range steps {
		var ev event.Event
		if err := d.Decode([]byte(s.js), &ev); err != nil {
			t.Fatal(err)
		}
		got := 0
		m.Match(&ev, func(mt sigma.Match) {
			got += len(e.Observe(mt.Rule, &ev, t0.Add(time.Duration(s.at)*time.Second)))
		})
		if got != s.out {
			t.Errorf("step %d (%ds %s): %d alerts, want %d", i, s.at, s.js, got, s.out)
		}
	}
	return e
}

func ev(id int, user, ip string, n int) string {
	return fmt.Sprintf(`{"EventID":%d,"User":%q,"IpAddress":%q,"Bytes":%d}`, id, user, ip, n)
}

func TestCorrelations(t *testing.T) {
	cases := []struct {
		name  string
		rule  string
		steps []step
	}{
		{"event_count fires at the threshold within the timespan, per group", `title: brute force
correlation:
  type: event_count
  rules: [failed]
  group-by: [User]
  timespan: 1m
  condition: {gte: 3}
`, []step{{0, ev(4625, "a", "", 0), 0}, {10, ev(4625, "b", "", 0), 0}, {20, ev(4625, "a", "", 0), 0}, {30, ev(4625, "a", "", 0), 1}, {31, ev(4625, "a", "", 0), 0}}},
		{"event_count forgets events older than the timespan", `title: brute force
correlation:
  type: event_count
  rules: [failed]
  group-by: [User]
  timespan: 1m
  condition: {gte: 3}
`, []step{{0, ev(4625, "a", "", 0), 0}, {50, ev(4625, "a", "", 0), 0}, {70, ev(4625, "a", "", 0), 0}, {100, ev(4625, "a", "", 0), 1}}},
		{"value_count counts distinct values", `title: spray
correlation:
  type: value_count
  rules: [failed]
  group-by: [IpAddress]
  timespan: 5m
  condition: {field: User, gte: 3}
`, []step{{0, ev(4625, "a", "1.2.3.4", 0), 0}, {1, ev(4625, "a", "1.2.3.4", 0), 0}, {2, ev(4625, "b", "1.2.3.4", 0), 0}, {3, ev(4625, "c", "9.9.9.9", 0), 0}, {4, ev(4625, "c", "1.2.3.4", 0), 1}}},
		{"temporal needs every rule in the timespan, any order", `title: success after failure
correlation:
  type: temporal
  rules: [failed, success]
  group-by: [User]
  timespan: 1m
`, []step{{0, ev(4624, "a", "", 0), 0}, {10, ev(4625, "b", "", 0), 0}, {20, ev(4625, "a", "", 0), 1}}},
		{"temporal_ordered needs the order", `title: success after failure
correlation:
  type: temporal_ordered
  rules: [failed, success]
  group-by: [User]
  timespan: 1m
`, []step{{0, ev(4624, "a", "", 0), 0}, {10, ev(4625, "a", "", 0), 0}, {20, ev(4624, "a", "", 0), 1}, {30, ev(4625, "a", "", 0), 0}, {100, ev(4624, "a", "", 0), 0}}},
		{"value_sum and aliases", `title: volume
correlation:
  type: value_sum
  rules: [failed, success]
  group-by: [who]
  aliases:
    who:
      failed: User
      success: IpAddress
  timespan: 1h
  condition: {field: Bytes, gt: 100}
`, []step{{0, ev(4625, "x", "", 60), 0}, {1, ev(4624, "", "x", 30), 0}, {2, ev(4624, "", "x", 20), 1}}},
		{"value_avg", `title: avg
correlation:
  type: value_avg
  rules: [failed]
  group-by: [User]
  timespan: 1h
  condition: {field: Bytes, gte: 50}
`, []step{{0, ev(4625, "a", "", 10), 0}, {1, ev(4625, "a", "", 200), 1}}},
		{"value_percentile: a value among the lowest", `title: rare
correlation:
  type: value_percentile
  rules: [failed]
  group-by: [User]
  timespan: 1h
  condition: {field: Bytes, lte: 25}
`, []step{{0, ev(4625, "a", "", 50), 0}, {1, ev(4625, "a", "", 60), 0}, {2, ev(4625, "a", "", 70), 0}, {3, ev(4625, "a", "", 80), 0}, {4, ev(4625, "a", "", 1), 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { run(t, c.rule, c.steps) })
	}
}

func TestStateBounded(t *testing.T) {
	rule := `title: c
correlation:
  type: event_count
  rules: [failed]
  group-by: [User]
  timespan: 1m
  condition: {gte: 1000}
`
	var steps []step
	for i := range 300 {
		steps = append(steps, step{at: i, js: ev(4625, fmt.Sprint("u", i), "", 0)})
	}
	e := run(t, rule, steps)
	// Groups idle for longer than the timespan are gone.
	if g := e.Groups(); g > 61 {
		t.Errorf("%d groups held, want at most the 61 of the last minute", g)
	}
	rules, _ := sigma.Parse("c.yml", []byte(base+rule))
	e, _ = New(rules)
	e.Limits.MaxGroups = 10
	var evt event.Event
	for i := range 100 {
		_ = event.NewDecoder().Decode([]byte(ev(4625, fmt.Sprint("u", i), "", 0)), &evt)
		e.Observe(rules[0], &evt, time.Unix(0, 0))
	}
	if e.Groups() != 10 || e.Evicted != 90 {
		t.Errorf("groups %d, evicted %d; want 10 and 90", e.Groups(), e.Evicted)
	}
}

func TestQuietAndProblems(t *testing.T) {
	rules, _ := sigma.Parse("c.yml", []byte(base+"title: c\ncorrelation:\n  type: event_count\n  rules: [failed, nosuch]\n  timespan: 1m\n  condition: {gte: 2}\n"))
	_, probs := New(rules)
	if len(probs) != 1 || !strings.Contains(probs[0].Message, `"nosuch"`) || probs[0].Pos.Line != 19 {
		t.Fatalf("problems %v", probs)
	}
	rules, _ = sigma.Parse("c.yml", []byte(base+"title: c\ncorrelation:\n  type: event_count\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: 2}\n"))
	e, _ := New(rules)
	if !e.Quiet(rules[0]) || e.Quiet(rules[1]) {
		t.Error("a rule referred to without generate: true must be quiet, and only that one")
	}
}

func TestTimeOf(t *testing.T) {
	var ev event.Event
	_ = event.NewDecoder().Decode([]byte(`{"Event":{"System":{"TimeCreated":{"#attributes":{"SystemTime":"2025-10-24T23:36:29.111126Z"}}}}}`), &ev)
	got, ok := TimeOf(&ev)
	if !ok || got.Year() != 2025 || got.Nanosecond() != 111126000 {
		t.Fatalf("TimeOf = %v, %v", got, ok)
	}
}

func TestPartitionFields(t *testing.T) {
	corr := func(name, groupBy, extra string) string {
		return fmt.Sprintf("title: %s\ncorrelation:\n  type: event_count\n  rules: [failed, success]\n  group-by: [%s]\n%s  timespan: 5m\n  condition: {gte: 3}\n---\n", name, groupBy, extra)
	}
	cases := []struct {
		name   string
		corrs  string
		fields string
		free   bool
	}{
		{"no correlation", "", "", true},
		{"one correlation", corr("a", "User, IpAddress", ""), "IpAddress,User", false},
		{"the fields all correlations share", corr("a", "User, IpAddress", "") + corr("b", "User", ""), "User", false},
		{"nothing shared", corr("a", "User", "") + corr("b", "IpAddress", ""), "", false},
		{"an alias to different fields does not count", corr("a", "who, IpAddress",
			"  aliases:\n    who: {failed: TargetUserName, success: SubjectUserName}\n"), "IpAddress", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rules, probs := sigma.Parse("c.yml", []byte(base+c.corrs))
			if len(probs.Errors()) > 0 {
				t.Fatal(probs)
			}
			e, probs := New(rules)
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			fields, free := e.PartitionFields()
			if strings.Join(fields, ",") != c.fields || free != c.free {
				t.Errorf("partition fields %v free %v, want %q free %v", fields, free, c.fields, c.free)
			}
		})
	}
}
