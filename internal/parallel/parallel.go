// Package parallel runs independent pieces of work on all cores.
package parallel

import (
	"sync"
	"sync/atomic"
)

// Workers is how many goroutines For starts for n items handed out batch
// at a time (a batch under one counts as one), with at most limit
// goroutines: at least one.
func Workers(limit, n, batch int) int {
	batch = max(batch, 1)
	return max(1, min(limit, (n+batch-1)/batch))
}

// For calls f(w, i) for every i in [0, n) on Workers(limit, n, batch)
// goroutines, handing out batch indexes at a time, and returns when all
// calls have returned. w, in [0, Workers(limit, n, batch)), numbers the
// goroutine making the call, so that f can keep per-goroutine state.
func For(limit, n, batch int, f func(w, i int)) {
	batch = max(batch, 1)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range Workers(limit, n, batch) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(int64(batch))) - batch
				if from >= n {
					return
				}
				for i := from; i < min(from+batch, n); i++ {
					f(w, i)
				}
			}
		}()
	}
	wg.Wait()
}
