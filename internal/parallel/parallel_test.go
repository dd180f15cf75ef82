package parallel

import (
	"sync/atomic"
	"testing"
)

func TestFor(t *testing.T) {
	for _, tc := range []struct {
		name            string
		limit, n, batch int
		wantWorkers     int
	}{
		{name: "no items", limit: 4, n: 0, batch: 8, wantWorkers: 1},
		{name: "fewer batches than the limit", limit: 4, n: 10, batch: 8, wantWorkers: 2},
		{name: "more batches than the limit", limit: 3, n: 1000, batch: 8, wantWorkers: 3},
		{name: "batch of one", limit: 2, n: 5, batch: 1, wantWorkers: 2},
		{name: "batch of zero counts as one", limit: 2, n: 5, batch: 0, wantWorkers: 2},
		{name: "batch of zero, two items", limit: 4, n: 2, batch: 0, wantWorkers: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Workers(tc.limit, tc.n, tc.batch); got != tc.wantWorkers {
				t.Fatalf("Workers(%d, %d, %d) = %d, want %d", tc.limit, tc.n, tc.batch, got, tc.wantWorkers)
			}
			calls := make([]atomic.Int32, tc.n)
			var badWorker atomic.Bool
			For(tc.limit, tc.n, tc.batch, func(w, i int) {
				if w < 0 || w >= tc.wantWorkers {
					badWorker.Store(true)
				}
				calls[i].Add(1)
			})
			if badWorker.Load() {
				t.Errorf("a call had a worker number outside [0, %d)", tc.wantWorkers)
			}
			for i := range calls {
				if c := calls[i].Load(); c != 1 {
					t.Errorf("item %d: %d calls, want 1", i, c)
				}
			}
		})
	}
}
