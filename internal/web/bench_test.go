package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// The benchmark's register: 1,000 systems of 200 threats each.
const (
	benchSystems          = 1000
	benchThreatsPerSystem = 200
	benchOwners           = 200
	benchRules            = 40
)

// benchSeverity is the default matrix's severity of likelihood × impact.
func benchSeverity(l, i int) model.Severity {
	switch p := l * i; {
	case p >= 20:
		return "critical"
	case p >= 12:
		return "high"
	case p >= 5:
		return "medium"
	}
	return "low"
}

// seedBench fills s with the benchmark's register through the repository,
// with a year of risk history.
func seedBench(b *testing.B, s store.Store) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	statuses := []model.TreatmentStatus{"open", "open", "open", "open", "open", "open", "mitigating", "mitigating", "mitigated", "accepted"}
	categories := []string{"stride", "stride", "stride", "linddun"}
	began, cpu0 := time.Now(), cpu()
	const perTx = 50
	for first := 0; first < benchSystems; first += perTx {
		err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			for sys := first; sys < first+perTx; sys++ {
				id := fmt.Sprintf("sys-%04d", sys)
				if _, err := tx.CreateSystem(ctx, store.System{ID: id, Name: "System " + id, OwnerTeam: fmt.Sprint("team-", sys%50),
					RiskOwner: "rose", SRO: "sam", Tier: []string{"tier-1", "tier-2", "tier-3"}[sys%3], Classification: "official"}); err != nil {
					return err
				}
				ts := make([]store.Threat, benchThreatsPerSystem)
				for i := range ts {
					l, im := 1+r.IntN(5), 1+r.IntN(5)
					rule := i % benchRules
					ts[i] = store.Threat{SystemID: id, ID: fmt.Sprintf("rule-%02d@element-%03d", rule, i), Rule: fmt.Sprintf("rule-%02d", rule),
						Title: "A threat", Category: categories[rule%len(categories)], STRIDE: []model.STRIDE{model.Spoofing},
						Targets: []string{fmt.Sprintf("element-%03d", i)},
						Risk:    store.RiskRating{Likelihood: l, Impact: im, Severity: benchSeverity(l, im)}, Fingerprint: "f",
						FirstSeen: 1, LastSeen: 1, Status: statuses[r.IntN(len(statuses))], Owner: fmt.Sprint("owner-", r.IntN(benchOwners)),
						Due: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(730)).Format(time.DateOnly)}
				}
				if err := tx.InsertThreats(ctx, ts); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// A year of daily risk history, as the sweep records it.
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for d := 365; d > 0; d-- {
		if err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			return tx.RecordRiskHistory(ctx, day.AddDate(0, 0, -d).Format(time.DateOnly), register.OpenStatuses)
		}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d systems, %d threats in %v (CPU %v)", benchSystems, benchSystems*benchThreatsPerSystem,
		time.Since(began).Round(time.Millisecond), (cpu() - cpu0).Round(time.Millisecond))
}

// BenchmarkPages renders each page server-side (the whole handler: session,
// rbac, register, template) against 1,000 systems and 200,000 threats on
// SQLite, and reports the CPU each render took.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	// RAMPART_BENCH_DB keeps the seeded register in that file across runs.
	path, seeded := os.Getenv("RAMPART_BENCH_DB"), false
	if path == "" {
		path = storetest.SQLite(b)
	} else if _, err := os.Stat(path); err == nil {
		seeded = true
	}
	st, err := engine.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close(context.Background()) })
	if !seeded {
		seedBench(b, st)
	}
	c := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn, err := auth.New(st, auth.Options{Params: fast, Now: c.Now, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	reg := register.New(st, register.WithClock(c), register.WithLogger(quiet))
	srv, err := server.New(st, reg, authn, server.Options{Logger: quiet, Now: c.Now, Tool: "rampart bench"})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	cookies := map[string]*http.Cookie{}
	for name, grants := range map[string][]rbac.Grant{
		"cleo": {{Role: rbac.CISO}},
		"dev":  {{Role: rbac.Developer, Team: "team-7"}},
	} {
		u, err := authn.CreateUser(ctx, auth.NewUser{Name: name, Password: password(name), Grants: grants, Clearance: "official"})
		if errors.Is(err, store.ErrExists) {
			u, err = st.GetUserByName(ctx, name)
		}
		if err != nil {
			b.Fatal(err)
		}
		if cookies[name], err = authn.StartSession(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	pages := []struct{ name, user, path string }{
		{"portfolio (CISO, 1,000 systems)", "cleo", "/"},
		{"portfolio (team, 20 systems)", "dev", "/"},
		{"register", "cleo", "/threats"},
		{"register: open high by due date", "cleo", "/threats?status=open&severity=high&sort=due"},
		{"register: overdue", "cleo", "/threats?overdue=1"},
		{"register: one owner", "cleo", "/threats?owner=owner-7"},
		{"register: one rule", "cleo", "/threats?rule=rule-03"},
		{"register: page 1,000", "cleo", "/threats?page=1000"},
		{"register: one system (team)", "dev", "/threats?system=sys-0007"},
		{"system", "cleo", "/systems/sys-0001"},
		{"threat", "cleo", "/systems/sys-0001/threats/rule-01@element-001"},
		{"review queue", "cleo", "/reviews"},
		{"policy", "cleo", "/policy"},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			var walls []time.Duration
			cpu0 := cpu()
			n := 0
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "https://rampart.test"+pg.path, nil)
				req.AddCookie(cookies[pg.user])
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				walls = append(walls, time.Since(t0))
				n++
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s as %s: %d %s", pg.path, pg.user, rec.Code, rec.Body.String())
				}
			}
			slices.Sort(walls)
			b.ReportMetric(float64((cpu()-cpu0).Microseconds())/float64(n)/1000, "cpu-ms/op")
			b.ReportMetric(float64(walls[len(walls)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(walls[len(walls)-1].Microseconds())/1000, "max-ms")
		})
	}
}
