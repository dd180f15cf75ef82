package auth

import (
	"sync"
	"time"
)

// limiter allows n attempts per key in each window. It is per node: behind
// several nodes the account lockout, kept in the database, is the shared
// limit.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	now    func() time.Time
	seen   map[string]*bucket
}

type bucket struct {
	start time.Time
	count int
}

// maxKeys bounds the limiter's memory; past it, expired windows are dropped.
const maxKeys = 100_000

func newLimiter(n int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{n: n, window: window, now: now, seen: map[string]*bucket{}}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.seen[key]
	if b == nil || now.Sub(b.start) >= l.window {
		if len(l.seen) >= maxKeys {
			l.sweep(now)
		}
		if len(l.seen) >= maxKeys {
			return false // under a flood, refuse rather than grow without bound
		}
		l.seen[key] = &bucket{start: now, count: 1}
		return true
	}
	b.count++
	return b.count <= l.n
}

func (l *limiter) sweep(now time.Time) {
	for k, b := range l.seen {
		if now.Sub(b.start) >= l.window {
			delete(l.seen, k)
		}
	}
}
