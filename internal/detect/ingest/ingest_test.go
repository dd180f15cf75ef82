package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/rampart-sec/rampart/internal/detect/ruleset"
)

const rule = `title: cmd
id: 33333333-3333-3333-3333-333333333333
logsource: {product: windows}
detection:
  s:
    Image|endswith: '\cmd.exe'
  condition: s
`

func setup(t testing.TB) (*ruleset.Set, jetstream.JetStream, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "r.yml"), []byte(rule), 0o644); err != nil {
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
	nc, js, err := Connect(context.Background(), emb.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	srv := httptest.NewServer(Handler(js, TokenAuth{Token: "s3cret"}))
	t.Cleanup(srv.Close)
	return set, js, srv
}

func post(t testing.TB, url, token, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func events(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\Windows\\cmd.exe","n":%d}`+"\n", i)
	}
	return b.String()
}

// waitDrained waits until the consumer has nothing pending or unacknowledged.
func waitDrained(t testing.TB, js jetstream.JetStream) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		c, err := js.Consumer(context.Background(), StreamName, Consumer)
		if err == nil {
			info, err := c.Info(context.Background())
			if err == nil && info.NumPending == 0 && info.NumAckPending == 0 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("events not drained within a minute")
}

func TestHandlerLimitsAndAuth(t *testing.T) {
	_, _, srv := setup(t)
	if r := post(t, srv.URL, "wrong", events(1)); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", r.StatusCode)
	}
	if r := post(t, srv.URL, "s3cret", "not json\n[1]\n"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("only bad lines: %d", r.StatusCode)
	}
	if r := post(t, srv.URL, "s3cret", events(3)+"oops\n"); r.StatusCode != http.StatusAccepted {
		t.Errorf("good and bad lines: %d", r.StatusCode)
	}
	if r := post(t, srv.URL, "s3cret", `{"a":"`+strings.Repeat("x", MaxLine)+`"}`+"\n"+events(1)); r.StatusCode != http.StatusAccepted {
		t.Errorf("an oversized line is rejected alone: %d", r.StatusCode)
	}
	big := strings.Repeat(events(1), MaxBody/100+10)
	if r := post(t, srv.URL, "s3cret", big); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", r.StatusCode)
	}
}

// TestWorkerKilledMidBatch: a worker stops after storing the alerts of a
// message but before acknowledging it; a second worker gets the rest and
// the redelivered message, and every alert is stored exactly once.
func TestWorkerKilledMidBatch(t *testing.T) {
	set, js, srv := setup(t)
	const n = 400
	if r := post(t, srv.URL, "s3cret", events(n)); r.StatusCode != http.StatusAccepted {
		t.Fatalf("ingest: %d", r.StatusCode)
	}
	store := NewMemoryStore()
	ctx1, kill := context.WithCancel(context.Background())
	seen := 0
	w1 := &Worker{Set: set, Store: store, Batch: 100, AckWait: time.Second, afterStore: func() {
		seen++
		if seen == 150 {
			kill()
		}
	}}
	if err := w1.Run(ctx1, js); err != nil {
		t.Fatal(err)
	}
	if got := store.Len(); got != 150 {
		t.Fatalf("first worker stored %d alerts before it was killed, want 150", got)
	}
	ctx2, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 { // a consumer group of two
		w := &Worker{Set: set, Store: store, Batch: 100, AckWait: time.Second}
		wg.Go(func() {
			if err := w.Run(ctx2, js); err != nil {
				t.Error(err)
			}
		})
	}
	waitDrained(t, js)
	stop()
	wg.Wait()
	if got := store.Len(); got != n {
		t.Errorf("%d alerts stored, want exactly %d", got, n)
	}
	if store.Duplicates < 1 {
		t.Errorf("the message stored but not acknowledged should have come back once; duplicates %d", store.Duplicates)
	}
	t.Logf("%d alerts stored once each; %d redelivered duplicates suppressed", store.Len(), store.Duplicates)
}

// BenchmarkEndToEnd: events posted over HTTP, through JetStream, to
// alerts stored by two workers.
func BenchmarkEndToEnd(b *testing.B) {
	set, js, srv := setup(b)
	const perPost = 1000
	body := events(perPost)
	store := NewMemoryStore()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for range 2 {
		w := &Worker{Set: set, Store: store, Batch: 500}
		go func() { _ = w.Run(ctx, js) }()
	}
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if r := post(b, srv.URL, "s3cret", body); r.StatusCode != http.StatusAccepted {
			b.Fatal(r.StatusCode)
		}
	}
	for store.Len() < b.N*perPost {
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*perPost)/time.Since(start).Seconds(), "events/s")
}
