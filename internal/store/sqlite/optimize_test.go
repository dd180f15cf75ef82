package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
)

// TestWritesRefreshThePlannersStatistics: the register is empty when it
// opens; after writes, the statistics that Optimize keeps cover the
// threats' indexes, so the planner does not go on planning for empty tables.
func TestWritesRefreshThePlannersStatistics(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "register.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	stats := func() int {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'threats'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := stats(); n != 0 {
		t.Fatalf("%d statistics rows for threats before any was stored", n)
	}
	s.optimizeEvery = 0
	err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		if _, err := tx.CreateSystem(ctx, store.System{ID: "payments", Name: "Payments"}); err != nil {
			return err
		}
		ts := make([]store.Threat, 300)
		for i := range ts {
			ts[i] = store.Threat{SystemID: "payments", ID: fmt.Sprintf("rule@c%03d", i), Rule: "rule", Title: "t",
				Risk: store.RiskRating{Likelihood: 1, Impact: 1, Severity: "low"}, Fingerprint: "f", FirstSeen: 1, LastSeen: 1}
		}
		return tx.InsertThreats(ctx, ts)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.optimizing.Wait()
	if n := stats(); n == 0 {
		t.Error("no statistics for threats after a write")
	}
}
