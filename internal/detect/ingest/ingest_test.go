package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rampart-sec/rampart/internal/detect/ruleset"
)

const rules = `title: cmd
id: 33333333-3333-3333-3333-333333333333
logsource: {product: windows}
detection:
  s:
    Image|endswith: '\cmd.exe'
  condition: s
---
title: failed logon
name: failed
logsource: {product: windows, service: security}
detection:
  s:
    EventID: 4625
  condition: s
---
title: brute force
correlation:
  type: event_count
  rules: [failed]
  group-by: [User]
  timespan: 1h
  condition: {gte: 10}
  generate: true
`

// Env is an embedded JetStream with the event stream and a rule set.
type env struct {
	set *ruleset.Set
	js  jetstream.JetStream
	pub *Publisher
}

func setup(t testing.TB, partitions int) *env {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "r.yml"), []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := ruleset.Load(context.Background(), []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	emb, err := StartEmbedded(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	nc, js, err := emb.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return &env{set: set, js: js, pub: NewPublisher(js, set, partitions)}
}

func (e *env) publish(t testing.TB, system, body string) Result {
	t.Helper()
	res, err := e.pub.Publish(context.Background(), system, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func events(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\Windows\\cmd.exe","n":%d}`+"\n", i)
	}
	return b.String()
}

// waitDrained waits until no partition has events pending or unacknowledged.
func waitDrained(t testing.TB, js jetstream.JetStream, partitions int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		left := uint64(0)
		for p := range partitions {
			c, err := js.Consumer(context.Background(), StreamName, ConsumerName(p))
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
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("events not drained within a minute")
}

func TestPublishRejectsBadLinesAndGoesOn(t *testing.T) {
	e := setup(t, 2)
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	cases := []struct {
		name     string
		body     string
		accepted int
		rejected int
		reason   string
	}{
		{"good lines", events(3), 3, 0, ""},
		{"not JSON among good lines", events(1) + "oops\n" + events(1), 2, 1, "not JSON"},
		{"an array", "[1]\n", 0, 1, "not a JSON object"},
		{"nested too deeply", `{"a":` + deep + "}\n", 0, 1, "nested too deeply"},
		{"an oversized line alone", `{"a":"` + strings.Repeat("x", MaxLine) + `"}` + "\n" + events(1), 1, 1, "too large"},
		{"blank lines are not events", "\n  \n" + events(1), 1, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, before := e.pub.Counts()
			res := e.publish(t, "payments", c.body)
			if res.Accepted != c.accepted || res.Rejected != c.rejected || len(res.Errors) != c.rejected {
				t.Errorf("result %+v, want %d accepted, %d rejected with a reason each", res, c.accepted, c.rejected)
			}
			_, after := e.pub.Counts()
			if c.reason != "" && after[c.reason] != before[c.reason]+1 {
				t.Errorf("rejected as %q: %d before, %d after", c.reason, before[c.reason], after[c.reason])
			}
		})
	}
	if res := e.publish(t, "payments", "x\n"); !strings.HasPrefix(res.Errors[0], "line 1: ") {
		t.Errorf("errors name the line: %v", res.Errors)
	}
}

// TestWorkerKilledMidBatch: a worker stops after storing the alerts of a
// batch but before acknowledging it; a restarted worker gets the rest and
// the redelivered batch, and every alert is stored exactly once.
func TestWorkerKilledMidBatch(t *testing.T) {
	const partitions, n = 2, 400
	e := setup(t, partitions)
	if res := e.publish(t, "payments", events(n)); res.Accepted != n {
		t.Fatalf("published %+v", res)
	}
	store := NewMemoryStore()
	ctx1, kill := context.WithCancel(context.Background())
	w1 := &Worker{Set: e.set, Store: KillAfterPut(store, kill), Partitions: partitions, Batch: 50, AckWait: time.Second,
		PinnedTTL: time.Second, LeaseTTL: 3 * time.Second}
	if err := w1.Run(ctx1, e.js); err != nil {
		t.Fatal(err)
	}
	first := store.Len()
	if first == 0 || first >= n {
		t.Fatalf("the first worker stored %d alerts before it was killed, want some of %d", first, n)
	}
	ctx2, stop := context.WithCancel(context.Background())
	w2 := &Worker{Set: e.set, Store: store, Partitions: partitions, Batch: 50, AckWait: time.Second, PinnedTTL: time.Second, LeaseTTL: 3 * time.Second}
	done := make(chan error, 1)
	go func() { done <- w2.Run(ctx2, e.js) }()
	waitDrained(t, e.js, partitions)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := store.Len(); got != n {
		t.Errorf("%d alerts stored, want exactly %d", got, n)
	}
	if store.Duplicates < first {
		t.Errorf("the %d alerts stored but not acknowledged should have come back; duplicates %d", first, store.Duplicates)
	}
	t.Logf("killed after storing %d alerts; %d stored once each; %d redelivered duplicates suppressed", first, store.Len(), store.Duplicates)
}

// recorder remembers which worker saw each user's failed logons (the
// alerts of the correlation's rule).
type recorder struct {
	Store
	name string
	mu   *sync.Mutex
	seen map[string]map[string]bool // user → workers
}

func (r recorder) Put(ctx context.Context, alerts []Stored) (int, error) {
	r.mu.Lock()
	for _, a := range alerts {
		var ev struct{ User string }
		_ = json.Unmarshal(a.Alert.Event, &ev)
		if u := ev.User; u != "" {
			if r.seen[u] == nil {
				r.seen[u] = map[string]bool{}
			}
			r.seen[u][r.name] = true
		}
	}
	r.mu.Unlock()
	return r.Store.Put(ctx, alerts)
}

// TestCorrelationAcrossWorkers: two workers share the partitions; the
// failed logons of each user are interleaved with everyone else's in
// every batch, and each user's brute-force correlation fires exactly once,
// on one worker.
func TestCorrelationAcrossWorkers(t *testing.T) {
	const partitions, users, perUser = 8, 16, 15
	e := setup(t, partitions)
	if fields, free := e.pub.PartitionFields(); free || strings.Join(fields, ",") != "User" {
		t.Fatalf("partition fields %v (free %v), want User", fields, free)
	}
	store := NewMemoryStore()
	ctx, stop := context.WithCancel(context.Background())
	var mu sync.Mutex
	seen := map[string]map[string]bool{}
	var wg sync.WaitGroup
	workers := make([]*Worker, 2)
	for i := range workers {
		workers[i] = &Worker{Set: e.set, Store: recorder{Store: store, name: fmt.Sprint("w", i), mu: &mu, seen: seen},
			Partitions: partitions, Batch: 20, PinnedTTL: time.Second, LeaseTTL: 3 * time.Second}
		wg.Go(func() {
			if err := workers[i].Run(ctx, e.js); err != nil {
				t.Error(err)
			}
		})
	}
	// The second worker to start takes its share from the first.
	for deadline := time.Now().Add(30 * time.Second); workers[0].Owned() != partitions/2 || workers[1].Owned() != partitions/2; {
		if time.Now().After(deadline) {
			t.Fatalf("partitions held: %d and %d, want %d each", workers[0].Owned(), workers[1].Owned(), partitions/2)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t0 := time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)
	var b strings.Builder
	for i := range perUser {
		for u := range users {
			fmt.Fprintf(&b, `{"Channel":"Security","EventID":4625,"User":"user%d","TimeCreated":%q}`+"\n", u, t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
		}
	}
	// Posted in several batches, as shippers do.
	lines := strings.SplitAfter(b.String(), "\n")
	for start := 0; start < len(lines); start += 37 {
		e.publish(t, "payments", strings.Join(lines[start:min(start+37, len(lines))], ""))
	}
	waitDrained(t, e.js, partitions)
	stop()
	wg.Wait()
	fired := map[string]int{}
	for _, a := range store.Alerts() {
		if a.Alert.Kind == "correlation" && a.Alert.Title == "brute force" {
			fired[a.Alert.Group["User"]]++
		}
	}
	for u := range users {
		user := fmt.Sprint("user", u)
		if fired[user] != 1 {
			t.Errorf("brute force on %s fired %d times, want once", user, fired[user])
		}
		if len(seen[user]) != 1 {
			t.Errorf("%s's failed logons reached workers %v, want one", user, seen[user])
		}
	}
	for i, w := range workers {
		ev, _, _ := w.Counts()
		if ev == 0 {
			t.Errorf("worker %d processed no event", i)
		}
		t.Logf("worker %d processed %d of %d events", i, ev, users*perUser)
	}
}

// refuser fails to store the alerts of one event, as a database would
// refuse a value it cannot hold.
type refuser struct {
	Store
	bad string // the source of the event refused
	mu  sync.Mutex
	n   int // refusals
}

func (r *refuser) Put(ctx context.Context, alerts []Stored) (int, error) {
	for _, a := range alerts {
		if a.Alert.Source == r.bad {
			r.mu.Lock()
			r.n++
			r.mu.Unlock()
			return 0, fmt.Errorf("refused %s", r.bad)
		}
	}
	return r.Store.Put(ctx, alerts)
}

// TestAnEventThatCannotBeStoredHoldsUpNoOther: the other events of its
// batches are stored, and it is given up after MaxDeliver deliveries.
func TestAnEventThatCannotBeStoredHoldsUpNoOther(t *testing.T) {
	const partitions, n = 1, 100
	e := setup(t, partitions)
	e.publish(t, "payments", events(n))
	store := &refuser{Store: NewMemoryStore(), bad: "jetstream:7"}
	ctx, stop := context.WithCancel(context.Background())
	w := &Worker{Set: e.set, Store: store, Partitions: partitions, Batch: 50, AckWait: time.Second, MaxDeliver: 3,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, e.js) }()
	waitDrained(t, e.js, partitions)
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := store.Store.(*MemoryStore).Len(); got != n-1 {
		t.Errorf("%d alerts stored, want %d (all but the refused one)", got, n-1)
	}
	// Each delivery tries it in its batch, then on its own.
	if store.n < 3 || store.n > 2*3 {
		t.Errorf("the refused event was tried %d times, want 3 deliveries", store.n)
	}
}
