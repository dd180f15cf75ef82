package auth

import (
	"context"
	"fmt"
	"time"
)

// limitWindow is the window AttemptsPerMinute counts in.
const limitWindow = time.Minute

// purgeEvery is how often (in attempts on one node) the counts of windows
// long over are deleted, so the table holds about the last minute's
// clients.
const purgeEvery = 256

// allowSignIn counts a sign-in attempt from client in the database, where
// every node behind one database shares the count, and reports whether it
// is within the limit.
func (s *Service) allowSignIn(ctx context.Context, client string) (bool, error) {
	now := s.opts.Now()
	if s.attempts.Add(1)%purgeEvery == 0 {
		if _, err := s.store.PurgeSignIns(ctx, now.Add(-2*limitWindow)); err != nil {
			s.opts.Logger.Warn("purging sign-in counts", "err", err)
		}
	}
	n, err := s.store.CountSignIn(ctx, client, now, limitWindow)
	if err != nil {
		return false, fmt.Errorf("sign in: %w", err)
	}
	return n <= s.opts.AttemptsPerMinute, nil
}
