package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// BenchmarkLoad is the loopback load test: 50 concurrent clients mixing
// filtered register reads, status updates (read, then PATCH with If-Match,
// retried on 412) and model pushes for 30 s against 1,000 systems and
// 200,000 threats, on each engine; then one push of a 1,000-component
// model. It fails on any error or lost update. Run it alone:
//
//	go test ./internal/server -run '^$' -bench Load -benchtime 1x
//
// RAMPART_LOAD_SECONDS shortens or lengthens the mixed phase;
// RAMPART_LOAD_CLIENTS changes the number of clients (to find the
// latency the server's own CPU sets, apart from queueing for the cores).
func BenchmarkLoad(b *testing.B) {
	for _, eng := range []string{"sqlite", "postgres"} {
		b.Run(eng, func(b *testing.B) {
			var db string
			if eng == "sqlite" {
				db = storetest.SQLite(b)
			} else {
				db = storetest.Postgres(b)
				// The pool is 16 connections unless the URL says otherwise;
				// RAMPART_LOAD_PG_CONNS tries other sizes.
				if n := os.Getenv("RAMPART_LOAD_PG_CONNS"); n != "" {
					db += sep(db) + "pool_max_conns=" + n
				}
			}
			for range b.N {
				runLoad(b, eng, db)
			}
		})
	}
}

const (
	loadSystems      = 1000
	threatsPerSystem = 200
	loadClients      = 50
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func seed(b *testing.B, st store.Store) {
	ctx := context.Background()
	severities := []model.Severity{"low", "medium", "high", "critical"}
	rules := []string{"missing-authentication", "sql-nosql-injection", "cross-site-scripting", "missing-hardening", "unencrypted-asset"}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for s := range loadSystems {
		id := fmt.Sprintf("sys-%04d", s)
		err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			if _, err := tx.CreateSystem(ctx, store.System{ID: id, Name: "System " + id, OwnerTeam: fmt.Sprintf("team-%02d", s%50),
				Classification: "official"}); err != nil {
				return err
			}
			ts := make([]store.Threat, threatsPerSystem)
			for i := range ts {
				sev := severities[i%4]
				ts[i] = store.Threat{SystemID: id, ID: fmt.Sprintf("%s@c%03d", rules[i%5], i), Rule: rules[i%5], Title: "Threat " + strconv.Itoa(i),
					STRIDE: []model.STRIDE{"tampering"}, Targets: []string{fmt.Sprintf("c%03d", i)},
					Risk:        store.RiskRating{Likelihood: 1 + i%5, Impact: 1 + (i/5)%5, Severity: sev},
					Fingerprint: "f", FirstSeen: 1, LastSeen: 1, Status: "open", Due: now.AddDate(0, 0, i%90).Format(time.DateOnly),
					UpdatedAt: now}
			}
			return tx.InsertThreats(ctx, ts)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// bigModel is a valid model with n components in a chain of flows.
func bigModel(id string, n int) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "rampart: 1\nsystem: {id: %s, name: Big, owner: team-00, classification: official}\n", id)
	sb.WriteString("risk_appetite: {max_severity: high}\n")
	sb.WriteString("data:\n  - {id: pii, classification: confidential, personal: true, cia: {confidentiality: high, integrity: medium}}\n")
	sb.WriteString("components:\n  - {id: c0, type: web-application, internet_facing: true, processes: [pii]}\n")
	for i := 1; i < n; i++ {
		typ := "service"
		if i%10 == 0 {
			typ = "database"
		}
		fmt.Fprintf(&sb, "  - {id: c%d, type: %s, processes: [pii]}\n", i, typ)
	}
	sb.WriteString("flows:\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&sb, "  - {id: f%d, from: c%d, to: c%d, protocol: https, authentication: oauth2, data_sent: [pii]}\n", i, i-1, i)
	}
	return []byte(sb.String())
}

type sample struct {
	kind string
	d    time.Duration
}

func runLoad(b *testing.B, eng, db string) {
	ctx := context.Background()
	st, err := engine.Open(ctx, db, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close(ctx)
	t0, c0 := time.Now(), cpuTime()
	seed(b, st)
	seedWall, seedCPU := time.Since(t0), cpuTime()-c0

	e := newEnvOn(b, st, &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
	// The clients act as the SRO (every system, read and update) and as a
	// developer of team-00 for pushes.
	clients := loadClients
	if n, err := strconv.Atoi(os.Getenv("RAMPART_LOAD_CLIENTS")); err == nil && n > 0 {
		clients = n
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients * 2}}
	do := func(user, method, path string, body []byte, headers ...string) (int, http.Header, []byte, error) {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
			if method == "POST" && strings.HasSuffix(path, "/versions") {
				req.Header.Set("Content-Type", "application/yaml")
			}
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, data, err
	}

	seconds := 30
	if s, err := strconv.Atoi(os.Getenv("RAMPART_LOAD_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var (
		mu      sync.Mutex
		samples []sample
		errs    []string
		lastOK  = map[string]struct {
			version int64
			owner   string
		}{}
		retries int
		wg      sync.WaitGroup
	)
	small := func(id string) []byte { return bigModel(id, 10) }
	c1, w1 := cpuTime(), time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for i := 0; time.Now().Before(deadline); i++ {
				sys := fmt.Sprintf("sys-%04d", rng.IntN(loadSystems))
				roll := rng.IntN(100)
				start := time.Now()
				var kind string
				var err error
				switch {
				case roll < 70: // filtered, sorted register list
					kind = "list"
					sev := []string{"high", "critical", "medium"}[rng.IntN(3)]
					var code int
					var body []byte
					code, _, body, err = do("sam", "GET", "/api/v1/systems/"+sys+"/threats?status=open&status=mitigating&severity="+sev+"&sort=-severity&limit=50", nil)
					if err == nil && (code != 200 || !strings.Contains(string(body), `"total":`)) {
						err = fmt.Errorf("list %s: %d %.200s", sys, code, body)
					}
				case roll < 95: // status update with optimistic concurrency
					kind = "update"
					// A small hot set so that clients collide and If-Match matters.
					th := fmt.Sprintf("missing-authentication@c%03d", 5*rng.IntN(4))
					path := "/api/v1/systems/sys-000" + strconv.Itoa(rng.IntN(3)) + "/threats/" + url.PathEscape(th)
					owner := fmt.Sprintf("client-%02d-%d", c, i)
					for attempt := 0; ; attempt++ {
						code, hdr, body, gerr := do("sam", "GET", path, nil)
						if gerr != nil || code != 200 {
							err = fmt.Errorf("get %s: %d %v %.200s", path, code, gerr, body)
							break
						}
						status := []string{"open", "mitigating"}[rng.IntN(2)]
						patch, _ := json.Marshal(map[string]any{"owner": owner, "status": status})
						code, _, body, gerr = do("sam", "PATCH", path, patch, "If-Match", hdr.Get("ETag"))
						if gerr == nil && code == 412 && attempt < 100 {
							mu.Lock()
							retries++
							mu.Unlock()
							// Back off a random, growing while, as a client
							// should, so that one client does not lose every
							// race for a hot threat.
							time.Sleep(time.Duration(rng.IntN(1<<min(attempt, 6))) * time.Millisecond)
							continue
						}
						if gerr != nil || code != 200 {
							err = fmt.Errorf("patch %s: %d %v %.200s", path, code, gerr, body)
							break
						}
						var got store.Threat
						_ = json.Unmarshal(body, &got)
						mu.Lock()
						if cur := lastOK[path]; got.Version > cur.version {
							lastOK[path] = struct {
								version int64
								owner   string
							}{got.Version, owner}
						}
						mu.Unlock()
						break
					}
				default: // push a small model of one of 20 push-only systems
					kind = "push"
					id := fmt.Sprintf("push-%02d", rng.IntN(20))
					var code int
					var body []byte
					code, _, body, err = do("pusher", "POST", "/api/v1/systems/"+id+"/versions", small(id))
					if err == nil && code != 201 {
						err = fmt.Errorf("push %s: %d %.200s", id, code, body)
					}
				}
				mu.Lock()
				samples = append(samples, sample{kind, time.Since(start)})
				if err != nil {
					errs = append(errs, err.Error())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	mixWall, mixCPU := time.Since(w1), cpuTime()-c1

	// Lost updates: each threat's final owner is the one of the highest
	// version a client was told it wrote.
	lost := 0
	for path, want := range lastOK {
		_, _, body, err := do("sam", "GET", path, nil)
		var got store.Threat
		if err != nil || json.Unmarshal(body, &got) != nil || got.Version != want.version || got.Owner != want.owner {
			lost++
		}
	}

	// One push of a 1,000-component model.
	big := bigModel("big-system", 1000)
	p0, pc0 := time.Now(), cpuTime()
	code, _, body, err := do("pusher", "POST", "/api/v1/systems/big-system/versions", big)
	bigWall, bigCPU := time.Since(p0), cpuTime()-pc0
	if err != nil || code != 201 {
		errs = append(errs, fmt.Sprintf("big push: %d %v %.300s", code, err, body))
	}

	report := fmt.Sprintf("%s: seeded %d systems / %d threats in %s (CPU %s); mixed %d s, %d clients: %d requests (%.0f/s), %d retries on 412, %d errors, %d lost updates, CPU %s (%.2f cores, %s per request)\n",
		eng, loadSystems, loadSystems*threatsPerSystem, seedWall.Round(time.Second), seedCPU.Round(time.Second), seconds, clients,
		len(samples), float64(len(samples))/mixWall.Seconds(), retries, len(errs), lost, mixCPU.Round(time.Millisecond), mixCPU.Seconds()/mixWall.Seconds(),
		(mixCPU / time.Duration(max(1, len(samples)))).Round(10*time.Microsecond))
	for _, kind := range []string{"list", "update", "push"} {
		var ds []time.Duration
		for _, s := range samples {
			if s.kind == kind {
				ds = append(ds, s.d)
			}
		}
		if len(ds) == 0 {
			continue
		}
		slices.Sort(ds)
		p50, p99 := ds[len(ds)*50/100], ds[min(len(ds)-1, len(ds)*99/100)]
		report += fmt.Sprintf("  %-6s n=%-6d p50 %-10s p99 %s\n", kind, len(ds), p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond))
		b.ReportMetric(float64(p99.Microseconds())/1000, kind+"-p99-ms")
		b.ReportMetric(float64(p50.Microseconds())/1000, kind+"-p50-ms")
	}
	report += fmt.Sprintf("  push of a 1,000-component model: %s (CPU %s)\n", bigWall.Round(time.Millisecond), bigCPU.Round(time.Millisecond))
	b.ReportMetric(float64(bigWall.Milliseconds()), "bigpush-ms")
	fmt.Print(report)
	if len(errs) > 0 || lost > 0 {
		b.Fatalf("%d errors (first: %s), %d lost updates", len(errs), first(errs), lost)
	}
}

func sep(url string) string {
	if strings.Contains(url, "?") {
		return "&"
	}
	return "?"
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
