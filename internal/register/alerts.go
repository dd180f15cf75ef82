package register

import (
	"context"
	"errors"
	"time"

	"github.com/rampart-sec/rampart/internal/store"
)

// RecordAlerts stores a batch of detection alerts in one transaction, each
// occurrence once by its fingerprint, and returns how many were new. When
// another node stores one of them at the same moment the batch is tried
// again, and finds that one stored.
func (s *Service) RecordAlerts(ctx context.Context, occ []store.AlertOccurrence) (int, error) {
	if len(occ) == 0 {
		return 0, nil
	}
	for attempt := 0; ; attempt++ {
		n := 0
		err := s.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			var err error
			n, err = tx.RecordAlerts(ctx, occ)
			return err
		})
		if attempt < 3 && errors.Is(err, store.ErrExists) {
			continue
		}
		return n, err
	}
}

// PruneAlertOccurrences forgets the fingerprints of alert occurrences
// stored before a time, once no event can be delivered again from before
// it; the groups keep their counts.
func (s *Service) PruneAlertOccurrences(ctx context.Context, before time.Time) (int64, error) {
	return s.st.PruneAlertOccurrences(ctx, before)
}
