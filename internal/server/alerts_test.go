package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/detect/ingest"
	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// TestShipperOnlySendsEvents: the ingest role passes the check of the
// ingest endpoint (this node runs no detection: 503) and reads nothing.
func TestShipperOnlySendsEvents(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.setUp()
	cases := []struct {
		method, path string
		body         any
		want         int
	}{
		{"POST", "/api/v1/systems/payments/events", "{\"EventID\":1}\n", 503},
		{"GET", "/api/v1/systems/payments", nil, 403},
		{"GET", "/api/v1/alerts?system=payments", nil, 403},
		{"GET", "/api/v1/systems/payments/threats", nil, 403},
		{"GET", "/api/v1/policy", nil, 403},
	}
	for _, c := range cases {
		if r := e.call("shipper", c.method, c.path, c.body); r.status != c.want {
			t.Errorf("%s %s as shipper: %d, want %d: %.200s", c.method, c.path, r.status, c.want, r.body)
		}
	}
	var l struct{ Items []any }
	e.must(200, "shipper", "GET", "/api/v1/alerts", nil).json(t, &l)
	if len(l.Items) != 0 {
		t.Errorf("the shipper sees %d alerts", len(l.Items))
	}
}

const detectRules = `title: web shell spawns cmd
id: 44444444-4444-4444-4444-444444444444
level: high
tags: [attack.t1190]
logsource: {product: windows}
detection:
  s:
    Image|endswith: '\cmd.exe'
  condition: s
`

// detection is a node with event ingest over a real JetStream and
// detection workers storing into the env's database.
type detection struct {
	*env
	set  *ruleset.Set
	js   jetstream.JetStream
	node *server.Server
}

func newDetection(t testing.TB, e *env, partitions int) *detection {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "r.yml"), []byte(detectRules), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := ruleset.Load(context.Background(), []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	emb, err := ingest.StartEmbedded(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	nc, js, err := emb.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn, err := auth.New(e.st, auth.Options{Params: fast, Now: e.clock.Now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	node, err := server.New(e.st, e.reg, authn, server.Options{Logger: quiet, Now: e.clock.Now, Tool: "rampart test",
		Ingest: ingest.NewPublisher(js, set, partitions)})
	if err != nil {
		t.Fatal(err)
	}
	// Requests go to the detection node from now on.
	e.srv = httptest.NewServer(node.Handler())
	t.Cleanup(e.srv.Close)
	return &detection{env: e, set: set, js: js, node: node}
}

func (d *detection) worker(store ingest.Store, partitions int) *ingest.Worker {
	return &ingest.Worker{Set: d.set, Store: store, Link: d.node.AlertLinker(d.set.Rules), Partitions: partitions,
		Batch: 50, AckWait: time.Second, PinnedTTL: time.Second, LeaseTTL: 3 * time.Second,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// apiWithDetection is payments with its api component's hosts named, so
// that alerts from api-01 are about it.
func apiWithDetection(t testing.TB) []byte {
	src := string(paymentsModel(t))
	out := strings.Replace(src, "  - id: api\n    type: api\n", "  - id: api\n    type: api\n    detection:\n      hosts: ['api-*']\n", 1)
	if out == src {
		t.Fatal("the payments model no longer has its api component where this test expects it")
	}
	return []byte(out)
}

func ndjson(n int) string {
	var b strings.Builder
	t0 := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	for i := range n {
		host := "api-01"
		if i%4 == 3 {
			host = "batch-07"
		}
		fmt.Fprintf(&b, `{"EventID":1,"Computer":%q,"Image":"C:\\Windows\\System32\\cmd.exe","TimeCreated":%q,"n":%d}`+"\n",
			host, t0.Add(time.Duration(i)*time.Millisecond).Format(time.RFC3339Nano), i)
		if i%100 == 50 {
			b.WriteString("{\"EventID\": truncated\n")
		}
	}
	return b.String()
}

func waitDrained(t testing.TB, js jetstream.JetStream, partitions int) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		left := uint64(0)
		for p := range partitions {
			c, err := js.Consumer(context.Background(), ingest.StreamName, ingest.ConsumerName(p))
			if err != nil {
				left++
				continue
			}
			info, err := c.Info(context.Background())
			if err != nil {
				left++
				continue
			}
			left += info.NumPending + uint64(info.NumAckPending)
		}
		if left == 0 {
			return
		}
	}
	t.Fatal("events not drained within a minute")
}

// TestIngestToAlertsExactlyOnce: events sent over HTTP by a log shipper go
// through JetStream to a worker killed after storing its first batch and
// before acknowledging it; a restarted worker gets the rest and the
// redelivered batch. Every alert occurrence is stored once, grouped by
// component, linked to the model's component and threats, listed by the
// API and counted in the metrics; malformed lines are reported and the
// others go on.
func TestIngestToAlertsExactlyOnce(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		const partitions, n = 2, 400
		e := newEnv(t, db)
		e.setUp()
		e.must(201, "dev", "POST", "/api/v1/systems/payments/versions", apiWithDetection(t))
		d := newDetection(t, e, partitions)

		var res ingest.Result
		d.must(202, "shipper", "POST", "/api/v1/systems/payments/events", ndjson(n)).json(t, &res)
		if res.Accepted != n || res.Rejected != 4 || len(res.Errors) != 4 || !strings.HasPrefix(res.Errors[0], "line 52: ") {
			t.Fatalf("ingest result %+v, want %d accepted and the 4 truncated lines rejected, naming line 52 first", res, n)
		}
		d.must(400, "shipper", "POST", "/api/v1/systems/payments/events", "not json\n")
		d.must(404, "shipper", "POST", "/api/v1/systems/other/events", ndjson(1))

		ctx1, kill := context.WithCancel(context.Background())
		if err := d.worker(ingest.KillAfterPut(d.node.AlertStore(), kill), partitions).Run(ctx1, d.js); err != nil {
			t.Fatal(err)
		}
		stored := func() int64 {
			var l struct {
				Items []store.Alert
			}
			d.must(200, "lee", "GET", "/api/v1/alerts?system=payments", nil).json(t, &l)
			sum := int64(0)
			for _, a := range l.Items {
				sum += a.Count
			}
			return sum
		}
		first := stored()
		if first == 0 || first >= n {
			t.Fatalf("the first worker stored %d alerts before it was killed, want some of %d", first, n)
		}
		ctx2, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- d.worker(d.node.AlertStore(), partitions).Run(ctx2, d.js) }()
		waitDrained(t, d.js, partitions)
		stop()
		if err := <-done; err != nil {
			t.Fatal(err)
		}

		list := func(query string) ([]store.Alert, int) {
			var l struct {
				Items []store.Alert
				Total int
			}
			d.must(200, "lee", "GET", "/api/v1/alerts?"+query, nil).json(t, &l)
			return l.Items, l.Total
		}
		items, total := list("system=payments")
		if total != 2 || len(items) != 2 {
			t.Fatalf("%d alert groups, want 2 (api-01 and the unmodelled host): %+v", total, items)
		}
		counts := map[string]int64{}
		for _, a := range items {
			counts[strings.Join(a.Components, ",")] = a.Count
			if a.Level != "high" || a.Techniques[0] != "T1190" || a.FirstSeen.After(a.LastSeen) {
				t.Errorf("alert %+v", a)
			}
		}
		if counts["api"] != n*3/4 || counts[""] != n/4 {
			t.Errorf("occurrences by component %v, want api %d and none %d: each stored exactly once", counts, n*3/4, n/4)
		}
		items, _ = list("component=api")
		api := items[0]
		if len(api.Threats) == 0 {
			t.Fatalf("the api alert names no modelled threat")
		}
		for _, th := range api.Threats {
			if !strings.HasSuffix(th, "@api") {
				t.Errorf("threat %s linked to the api alert is not about api", th)
			}
		}
		// An event of no modelled component is linked to threats by the
		// rule's techniques alone, so both groups name the threat.
		if _, total := list("threat=" + api.Threats[0] + "&level=high"); total != 2 {
			t.Errorf("filter by threat and level: %d groups, want 2", total)
		}
		if _, total := list("threat=" + api.Threats[0] + "&component=api&level=low"); total != 0 {
			t.Errorf("filter by threat, component and another level: %d groups, want none", total)
		}
		if _, total := list("since=2026-12-02T02:00:00Z"); total != 0 {
			t.Errorf("filter by time: %d groups seen after the events, want none", total)
		}
		d.must(403, "vic", "GET", fmt.Sprintf("/api/v1/alerts/%d", api.ID), nil)

		metrics := string(d.must(200, "", "GET", "/metrics", nil).body)
		for _, want := range []string{
			fmt.Sprintf(`rampart_alerts_total{level="high",rule="44444444-4444-4444-4444-444444444444",system="payments"} %d`, n),
			fmt.Sprintf(`rampart_alerts_by_threat_total{system="payments",threat=%q} %d`, api.Threats[0], n),
			fmt.Sprintf(`rampart_ingest_events_accepted_total %d`, n),
			`rampart_ingest_events_rejected_total{reason="not JSON"} 5`,
		} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %s:\n%s", want, grepLines(metrics, strings.SplitN(want, "{", 2)[0]))
			}
		}
		t.Logf("killed after storing %d occurrences; %d stored once each in %d groups", first, n, len(counts))
	})
}

// BenchmarkHTTPToAlerts: events posted over HTTP by a shipper, through
// JetStream, to alerts stored in SQLite by two workers, all in this
// process (client, server, embedded JetStream, workers, database), whose
// CPU time is reported per event: with every event raising an alert, and
// with one in a hundred.
func BenchmarkHTTPToAlerts(b *testing.B) {
	for _, every := range []int{1, 100} {
		b.Run(fmt.Sprintf("alert-every-%d", every), func(b *testing.B) { benchHTTPToAlerts(b, every) })
	}
}

func benchHTTPToAlerts(b *testing.B, every int) {
	const partitions, perPost = 4, 1000
	e := newEnv(b, storetest.SQLite(b))
	e.setUp()
	d := newDetection(b, e, partitions)
	body := ndjson(perPost)
	if every > 1 {
		lines := strings.SplitAfter(body, "\n")
		for i := range lines {
			if i%every != 0 {
				lines[i] = strings.Replace(lines[i], `cmd.exe`, `notepad.exe`, 1)
			}
		}
		body = strings.Join(lines, "")
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for range 2 {
		w := d.worker(d.node.AlertStore(), partitions)
		w.Batch = 500
		go func() { _ = w.Run(ctx, d.js) }()
	}
	start, cpu := time.Now(), cpuTime()
	for b.Loop() {
		d.must(202, "shipper", "POST", "/api/v1/systems/payments/events", body)
	}
	waitDrained(b, d.js, partitions)
	b.StopTimer()
	events := float64(b.N * perPost)
	used := (cpuTime() - cpu).Seconds()
	tot, err := e.st.AlertTotals(context.Background())
	if err != nil || len(tot.ByRule) == 0 || tot.ByRule[0].Count < int64(b.N*perPost/every) {
		b.Fatalf("alerts stored: %+v %v, want at least %d", tot.ByRule, err, b.N*perPost/every)
	}
	b.ReportMetric(events/time.Since(start).Seconds(), "events/s")
	b.ReportMetric(events/used, "events/cpu-s")
	b.ReportMetric(used*1e6/events, "cpu-µs/event")
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
