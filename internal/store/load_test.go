package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rampart-load-")
	if err != nil {
		panic(err)
	}
	tempDir = dir
	storetest.Main(removing{m, dir})
}

// removing runs the tests, then removes the benchmark's directory.
type removing struct {
	m   *testing.M
	dir string
}

func (r removing) Run() int {
	defer os.RemoveAll(r.dir)
	return r.m.Run()
}

// The load benchmark's register: 1,000 systems of 200 threats each.
const (
	loadSystems       = 1000
	threatsPerSystem  = 200
	loadOwners        = 200
	loadConcurrency   = 50
	loadMixedDuration = 10 * time.Second
)

var statuses = []model.TreatmentStatus{"open", "open", "open", "open", "open", "open", "mitigating", "mitigating", "mitigated", "accepted"}

var sevs = []model.Severity{"low", "medium", "medium", "high", "high", "critical"}

func seed(b *testing.B, s store.Store) { seedN(b, s, loadSystems) }

func seedN(b testing.TB, s store.Store, systems int) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	began := time.Now()
	for sys := range systems {
		id := fmt.Sprintf("sys-%04d", sys)
		err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			if _, err := tx.CreateSystem(ctx, store.System{ID: id, Name: "System " + id, OwnerTeam: fmt.Sprint("team-", sys%50),
				RiskOwner: "rose", SRO: "sam", Tier: "tier-2"}); err != nil {
				return err
			}
			ts := make([]store.Threat, threatsPerSystem)
			for i := range ts {
				l, im := 1+r.IntN(5), 1+r.IntN(5)
				ts[i] = store.Threat{SystemID: id, ID: fmt.Sprintf("rule-%02d@element-%03d", i%40, i), Rule: fmt.Sprintf("rule-%02d", i%40),
					Title: "A threat", STRIDE: []model.STRIDE{model.Spoofing}, Targets: []string{fmt.Sprintf("element-%03d", i)},
					Risk: store.RiskRating{Likelihood: l, Impact: im, Severity: sevs[r.IntN(len(sevs))]}, Fingerprint: "f",
					FirstSeen: 1, LastSeen: 1, Status: statuses[r.IntN(len(statuses))], Owner: fmt.Sprint("owner-", r.IntN(loadOwners)),
					Due: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(730)).Format(time.DateOnly)}
			}
			return tx.InsertThreats(ctx, ts)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d systems, %d threats in %v", systems, systems*threatsPerSystem, time.Since(began).Round(time.Millisecond))
}

var seeded sync.Map // engine name → store.Store

func loadStore(b *testing.B, eng storetest.Engine) store.Store {
	if s, ok := seeded.Load(eng.Name); ok {
		return s.(store.Store)
	}
	// The store outlives this call: benchmarks run their function more than once.
	s := eng.Open(&keepAlive{b}, store.Options{})
	seed(b, s)
	seeded.Store(eng.Name, s)
	return s
}

// keepAlive runs cleanups at the end of the process, not of one benchmark run.
type keepAlive struct{ testing.TB }

func (k *keepAlive) Cleanup(func()) {}

func (k *keepAlive) TempDir() string { return tempDir }

var tempDir string

// queries is the mix of filtered register lists a register UI and API ask for.
func queries(r *rand.Rand) (string, store.ThreatFilter) {
	switch r.IntN(6) {
	case 0:
		return "one system", store.ThreatFilter{SystemID: fmt.Sprintf("sys-%04d", r.IntN(loadSystems))}
	case 1:
		return "open high+critical by severity", store.ThreatFilter{Status: []model.TreatmentStatus{"open"},
			Severity: []model.Severity{"high", "critical"}, Sort: "-severity"}
	case 2:
		return "one owner's open work", store.ThreatFilter{Owner: fmt.Sprint("owner-", r.IntN(loadOwners)),
			Status: []model.TreatmentStatus{"open", "mitigating"}}
	case 3:
		return "overdue by due date", store.ThreatFilter{Status: []model.TreatmentStatus{"open", "mitigating"},
			DueBefore: "2026-12-01", Sort: "due"}
	case 4:
		return "system's critical", store.ThreatFilter{SystemID: fmt.Sprintf("sys-%04d", r.IntN(loadSystems)),
			Severity: []model.Severity{"critical"}, Sort: "-severity"}
	default:
		return "page 20 of all", store.ThreatFilter{Limit: 50, Offset: 1000}
	}
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkRegisterList measures filtered register lists on a register of
// 1,000 systems and 200,000 threats, one query at a time.
//
//	go test -run '^$' -bench RegisterList -benchtime 3000x ./internal/store/
func BenchmarkRegisterList(b *testing.B) {
	for _, eng := range storetest.Engines {
		b.Run(eng.Name, func(b *testing.B) {
			s := loadStore(b, eng)
			ctx := context.Background()
			r := rand.New(rand.NewPCG(3, 4))
			lat := make([]time.Duration, 0, b.N)
			c0 := cpu()
			b.ResetTimer()
			for range b.N {
				_, f := queries(r)
				t0 := time.Now()
				if _, err := s.ListThreats(ctx, f); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			b.ReportMetric(float64(pct(lat, 0.50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(pct(lat, 0.99).Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64((cpu()-c0).Microseconds())/float64(b.N)/1000, "cpu-ms/op")
		})
	}
}

// BenchmarkRegisterMixed runs 50 concurrent workers for 10 s on the same
// register: list queries and status updates with optimistic concurrency
// (a stale update re-reads and retries), then checks that no update was
// lost: the versions gained equal the updates that succeeded.
//
//	go test -run '^$' -bench RegisterMixed -benchtime 1x ./internal/store/
func BenchmarkRegisterMixed(b *testing.B) {
	for _, eng := range storetest.Engines {
		b.Run(eng.Name, func(b *testing.B) {
			s := loadStore(b, eng)
			ctx := context.Background()
			// Updates go to a small hot set so that writers collide.
			const hot = 200
			hotIDs := make([][2]string, hot)
			before := make(map[[2]string]int64, hot)
			for i := range hot {
				k := [2]string{fmt.Sprintf("sys-%04d", i%20), fmt.Sprintf("rule-%02d@element-%03d", i%40, i)}
				hotIDs[i] = k
				th, err := s.GetThreat(ctx, k[0], k[1])
				if err != nil {
					b.Fatal(err)
				}
				before[k] = th.Version
			}
			var updates, stale, errs atomic.Int64
			var mu sync.Mutex
			var reads, writes []time.Duration
			c0 := cpu()
			deadline := time.Now().Add(loadMixedDuration)
			var wg sync.WaitGroup
			for w := range loadConcurrency {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(w), 9))
					var myReads, myWrites []time.Duration
					for time.Now().Before(deadline) {
						t0 := time.Now()
						if r.IntN(10) < 8 {
							_, f := queries(r)
							if _, err := s.ListThreats(ctx, f); err != nil {
								errs.Add(1)
							}
							myReads = append(myReads, time.Since(t0))
							continue
						}
						k := hotIDs[r.IntN(hot)]
						for {
							th, err := s.GetThreat(ctx, k[0], k[1])
							if err != nil {
								errs.Add(1)
								break
							}
							th.Owner = fmt.Sprintf("worker-%d", w)
							th.Status = statuses[r.IntN(3)]
							err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
								_, err := tx.UpdateThreat(ctx, th)
								return err
							})
							if errors.Is(err, store.ErrStale) {
								stale.Add(1)
								continue
							}
							if err != nil {
								errs.Add(1)
							} else {
								updates.Add(1)
							}
							break
						}
						myWrites = append(myWrites, time.Since(t0))
					}
					mu.Lock()
					reads, writes = append(reads, myReads...), append(writes, myWrites...)
					mu.Unlock()
				})
			}
			wg.Wait()
			var gained int64
			for _, k := range hotIDs {
				th, err := s.GetThreat(ctx, k[0], k[1])
				if err != nil {
					b.Fatal(err)
				}
				gained += th.Version - before[k]
			}
			if errs.Load() != 0 {
				b.Fatalf("%d errors", errs.Load())
			}
			if gained != updates.Load() {
				b.Fatalf("lost updates: %d succeeded, versions gained %d", updates.Load(), gained)
			}
			b.ReportMetric(float64(len(reads)+len(writes))/loadMixedDuration.Seconds(), "ops/s")
			b.ReportMetric(float64(pct(reads, 0.50).Microseconds())/1000, "read-p50-ms")
			b.ReportMetric(float64(pct(reads, 0.99).Microseconds())/1000, "read-p99-ms")
			b.ReportMetric(float64(pct(writes, 0.50).Microseconds())/1000, "write-p50-ms")
			b.ReportMetric(float64(pct(writes, 0.99).Microseconds())/1000, "write-p99-ms")
			b.ReportMetric(float64(updates.Load()), "updates")
			b.ReportMetric(float64(stale.Load()), "stale-retries")
			b.ReportMetric((cpu() - c0).Seconds(), "cpu-s")
		})
	}
}
