package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/rampart-sec/rampart/internal/detect/stream"
)

// Stored is one alert of a system to store, with its fingerprint.
type Stored struct {
	System      string
	Fingerprint string
	Alert       *stream.Alert
}

// Store keeps alerts. Put stores a batch at once (all or nothing), each
// alert once per fingerprint, and returns how many were new.
type Store interface {
	Put(ctx context.Context, alerts []Stored) (int, error)
}

// MemoryStore is a Store in memory, for tests and single-process use.
type MemoryStore struct {
	mu     sync.Mutex
	alerts map[string]Stored
	// Duplicates counts alerts put again under a fingerprint already stored.
	Duplicates int
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{alerts: map[string]Stored{}} }

// Put implements Store.
func (s *MemoryStore) Put(_ context.Context, alerts []Stored) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range alerts {
		if _, dup := s.alerts[a.Fingerprint]; dup {
			s.Duplicates++
			continue
		}
		s.alerts[a.Fingerprint] = a
		n++
	}
	return n, nil
}

// Len returns the number of alerts stored.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.alerts)
}

// Alerts returns the alerts stored.
func (s *MemoryStore) Alerts() []Stored {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Stored, 0, len(s.alerts))
	for _, a := range s.alerts {
		out = append(out, a)
	}
	return out
}

// Fingerprint identifies an alert of a system: the rule and the event's
// place in the stream, or for a correlation its group and time, so that a
// redelivered event stores nothing new while two equal events each count.
func Fingerprint(system string, a *stream.Alert) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", system, a.RuleID, a.Title, a.Kind)
	if a.Kind == "correlation" {
		b, _ := json.Marshal(a.Group) // keys sorted: stable
		h.Write(b)
		fmt.Fprintf(h, "\x00%d", a.Time.UnixNano())
	} else {
		fmt.Fprintf(h, "\x00%s", a.Source)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// KillAfterPut wraps a store so that the first batch put is stored and
// then kill is called, before the worker acknowledges it: a worker that
// dies between storing and acknowledging, for crash tests.
func KillAfterPut(s Store, kill func()) Store {
	return &killer{Store: s, kill: kill}
}

type killer struct {
	Store
	kill func()
	once sync.Once
}

func (k *killer) Put(ctx context.Context, alerts []Stored) (int, error) {
	n, err := k.Store.Put(ctx, alerts)
	k.once.Do(k.kill)
	return n, err
}
