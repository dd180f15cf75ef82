package register_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/postgres"
	"github.com/rampart-sec/rampart/internal/store/sqlite"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// count runs a counting query on a store's database.
func count(t *testing.T, s store.Store, q string) int {
	t.Helper()
	var n int
	var err error
	switch s := s.(type) {
	case *sqlite.Store:
		err = s.DB().QueryRow(q).Scan(&n)
	case *postgres.Store:
		err = s.Pool().QueryRow(context.Background(), q).Scan(&n)
	default:
		t.Fatalf("unknown engine %T", s)
	}
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// hook is a webhook receiver that checks signatures.
type hook struct {
	mu     sync.Mutex
	got    []register.NotifyArgs
	secret []byte
	bad    int
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	mac := hmac.New(sha256.New, h.secret)
	mac.Write(body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Header.Get("X-Rampart-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		h.bad++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var n register.NotifyArgs
	if err := json.Unmarshal(body, &n); err != nil {
		h.bad++
		return
	}
	h.got = append(h.got, n)
}

func (h *hook) events() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for _, n := range h.got {
		out[n.Event]++
	}
	return out
}

func TestNotificationsAreDeliveredByWebhook(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			h := &hook{secret: []byte("s3cret")}
			srv := httptest.NewServer(h)
			defer srv.Close()
			jobs := register.NewJobs(register.Webhook{URL: srv.URL, Secret: h.secret})
			st := eng.Open(t, store.Options{Workers: jobs.Workers()})
			clock := &fakeClock{t: start}
			svc := register.New(st, register.WithClock(clock))
			jobs.Attach(svc)
			ctx := context.Background()
			if err := st.StartJobs(ctx); err != nil {
				t.Fatal(err)
			}
			e := &env{t: t, ctx: ctx, svc: svc, st: st, clock: clock}
			e.push(finding("sqli@api", 3, 4))
			e.owners()
			a := ok[store.Acceptance](t)(svc.RequestAcceptance(ctx, dev, register.AcceptanceRequest{SystemID: "payments",
				ThreatIDs: []string{"sqli@api"}, Justification: "j", Expires: "2027-01-31"}))
			ok[store.Acceptance](t)(svc.SubmitAcceptance(ctx, dev, a.ID, a.Version))
			want := map[string]int{"review.opened": 1, "acceptance.submitted": 1}
			deadline := time.Now().Add(20 * time.Second)
			for {
				got := h.events()
				if got["review.opened"] == 1 && got["acceptance.submitted"] == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("webhook got %v, want %v", got, want)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if h.bad != 0 {
				t.Fatalf("%d requests with a bad signature or body", h.bad)
			}
		})
	}
}

func TestJobsCommitAndRollBackWithTheChange(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			st := eng.Open(t, store.Options{})
			ctx := context.Background()
			boom := errors.New("boom")
			err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
				if err := tx.Enqueue(ctx, register.NotifyArgs{Event: "rolled.back"}, nil); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if n := count(t, st, `SELECT COUNT(*) FROM river_job`); n != 0 {
				t.Fatalf("%d jobs survived a rolled-back transaction", n)
			}
			// A refused workflow change enqueues nothing either.
			svc := register.New(st, register.WithClock(&fakeClock{t: start}))
			e := &env{t: t, ctx: ctx, svc: svc, st: st}
			e.push(finding("sqli@api", 3, 4))
			jobsAfterPush := count(t, st, `SELECT COUNT(*) FROM river_job`)
			if jobsAfterPush != 1 {
				t.Fatalf("a push enqueued %d jobs, want 1 (the review notification)", jobsAfterPush)
			}
			a := ok[store.Acceptance](t)(svc.RequestAcceptance(ctx, dev, register.AcceptanceRequest{SystemID: "payments",
				ThreatIDs: []string{"sqli@api"}, Justification: "j", Expires: "2027-01-31"}))
			if _, err := svc.SubmitAcceptance(ctx, eve, a.ID, a.Version); !errors.Is(err, register.ErrForbidden) {
				t.Fatal(err)
			}
			if n := count(t, st, `SELECT COUNT(*) FROM river_job`); n != jobsAfterPush {
				t.Fatalf("a refused change enqueued %d jobs", n-jobsAfterPush)
			}
		})
	}
}

// TestPeriodicSweepRunsOnceAcrossNodes starts two job clients on one
// PostgreSQL database, as two `rampart serve` nodes would be: only the
// elected leader enqueues the periodic sweep.
func TestPeriodicSweepRunsOnceAcrossNodes(t *testing.T) {
	url := storetest.Postgres(t)
	ctx := context.Background()
	const every = time.Second
	var nodes []*register.Jobs
	var stores []store.Store
	for range 2 {
		jobs := register.NewJobs(register.LogNotifier{})
		st, err := postgres.Open(ctx, url, store.Options{Workers: jobs.Workers(), PeriodicJobs: jobs.Periodic(every)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close(context.Background()) })
		jobs.Attach(register.New(st, register.WithLogger(slog.New(slog.DiscardHandler))))
		nodes, stores = append(nodes, jobs), append(stores, st)
	}
	began := time.Now()
	for _, st := range stores {
		if err := st.StartJobs(ctx); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for nodes[0].Swept.Load()+nodes[1].Swept.Load() < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("sweeps ran %d + %d times in 30 s", nodes[0].Swept.Load(), nodes[1].Swept.Load())
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(began)
	inserted := count(t, stores[0], `SELECT COUNT(*) FROM river_job WHERE kind = 'rampart_sweep'`)
	if leaders := count(t, stores[0], `SELECT COUNT(*) FROM river_leader`); leaders != 1 {
		t.Fatalf("%d leaders", leaders)
	}
	// One sweep per interval since the leader was elected, plus the one at
	// start; two leaders would insert about twice as many.
	if limit := int(elapsed/every) + 2; inserted > limit {
		t.Fatalf("%d sweeps enqueued in %v: more than one node scheduled them", inserted, elapsed.Round(time.Millisecond))
	}
	ran := nodes[0].Swept.Load() + nodes[1].Swept.Load()
	if int(ran) > inserted {
		t.Fatalf("%d sweeps ran for %d enqueued", ran, inserted)
	}
	t.Logf("%d sweeps enqueued and %d run (%d + %d) in %v", inserted, ran, nodes[0].Swept.Load(), nodes[1].Swept.Load(),
		elapsed.Round(time.Millisecond))
}

func TestStoreWithWorkersClosesWithoutStarting(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			jobs := register.NewJobs(register.LogNotifier{})
			st := eng.Open(t, store.Options{Workers: jobs.Workers(), Logger: slog.New(slog.DiscardHandler)})
			if err := st.Close(context.Background()); err != nil {
				t.Fatalf("closing a store whose jobs never started: %v", err)
			}
		})
	}
}
