package ingest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/detect/stream"
)

// Linker returns the function that links a system's alerts to its model
// (components and threats), or nil to leave them unlinked.
type Linker func(ctx context.Context, system string) (func(*stream.Alert, *event.Event), error)

// Worker consumes the partitions of the event stream it leases and stores
// the alerts. Each partition is one durable consumer shared by all workers
// with a pinned priority group, so that even while a lease changes hands
// the server gives a partition's events to one worker at a time; a
// partition's correlation state lives in that worker. When a partition
// changes hands its correlation state starts afresh.
type Worker struct {
	Set   *ruleset.Set
	Store Store
	// Link, when set, links alerts to the system's model.
	Link Linker
	// Partitions must be the publishers' number (DefaultPartitions if 0).
	Partitions int
	// Batch is how many messages one fetch asks for.
	Batch int
	// AckWait is how long the server waits for an acknowledgement before
	// redelivering a message.
	AckWait time.Duration
	// PinnedTTL is how long a partition stays with a worker that stopped
	// fetching before another gets it.
	PinnedTTL time.Duration
	// LeaseTTL is how long a partition's lease lasts unrenewed.
	LeaseTTL time.Duration
	// MaxDeliver is how many times an event whose alerts cannot be stored
	// is delivered before it is given up, logged as an error (default 10).
	MaxDeliver int
	// Log receives the worker's problems (nil: slog.Default()).
	Log *slog.Logger

	events, malformed, alerts, owned atomic.Int64
}

// Counts returns the events processed, the malformed ones among them and
// the alerts raised since the worker started.
func (w *Worker) Counts() (events, malformed, alerts int64) {
	return w.events.Load(), w.malformed.Load(), w.alerts.Load()
}

func (w *Worker) defaults() {
	if w.Partitions <= 0 {
		w.Partitions = DefaultPartitions
	}
	if w.Batch <= 0 {
		w.Batch = 256
	}
	if w.AckWait <= 0 {
		w.AckWait = 30 * time.Second
	}
	if w.PinnedTTL <= 0 {
		w.PinnedTTL = 5 * time.Second
	}
	if w.LeaseTTL <= 0 {
		w.LeaseTTL = 10 * time.Second
	}
	if w.MaxDeliver <= 0 {
		w.MaxDeliver = 10
	}
	if w.Log == nil {
		w.Log = slog.Default()
	}
}

// LeaseBucket is the key-value bucket in which workers announce
// themselves and lease partitions.
const LeaseBucket = "RAMPART_DETECT"

// Run consumes until ctx is done. The worker announces itself in the
// lease bucket and leases its fair share of the partitions (the number
// of partitions over the number of live workers, rounded up), renewing
// its leases and giving up extra ones when more workers join; a worker
// that dies loses its leases after LeaseTTL and the others take them.
func (w *Worker) Run(ctx context.Context, js jetstream.JetStream) error {
	w.defaults()
	for p := range w.Partitions {
		_, err := js.CreateOrUpdateConsumer(ctx, StreamName, jetstream.ConsumerConfig{
			Durable: ConsumerName(p), FilterSubject: Subject(p), AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: w.AckWait, MaxAckPending: 4 * w.Batch, MaxRequestBatch: w.Batch,
			PriorityGroups: []string{ConsumerGroup}, PriorityPolicy: jetstream.PriorityPolicyPinned, PinnedTTL: w.PinnedTTL,
		})
		if err != nil {
			return fmt.Errorf("consumer of partition %d: %w", p, err)
		}
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: LeaseBucket, TTL: w.LeaseTTL, Storage: jetstream.MemoryStorage})
	if err != nil {
		return fmt.Errorf("lease bucket: %w", err)
	}
	l := &leases{w: w, kv: kv, js: js, id: rand.Text(), held: map[int]*run{}}
	tick := time.NewTicker(w.LeaseTTL / 4)
	defer tick.Stop()
	for {
		l.balance(ctx)
		select {
		case <-ctx.Done():
			l.stopAll()
			return errors.Join(l.errs...)
		case <-tick.C:
		}
	}
}

// Owned returns the number of partitions the worker holds.
func (w *Worker) Owned() int { return int(w.owned.Load()) }

type leases struct {
	w    *Worker
	kv   jetstream.KeyValue
	js   jetstream.JetStream
	id   string
	held map[int]*run
	errs []error
	mu   sync.Mutex
	// stopping waits for partitions being given up.
	stopping sync.WaitGroup
}

// run is one partition being consumed.
type run struct {
	stop chan struct{}
	done chan struct{}
	rev  uint64
}

func leaseKey(p int) string { return "partition." + strconv.Itoa(p) }

// balance renews the leases held, gives up those over the fair share and
// takes free ones up to it.
func (l *leases) balance(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	if _, err := l.kv.Put(ctx, "worker."+l.id, nil); err != nil {
		l.w.Log.Warn("announcing the worker", "err", err)
		return
	}
	keys, err := l.kv.Keys(ctx)
	if err != nil {
		l.w.Log.Warn("listing workers", "err", err)
		return
	}
	workers := 0
	for _, k := range keys {
		if strings.HasPrefix(k, "worker.") {
			workers++
		}
	}
	fair := (l.w.Partitions + max(workers, 1) - 1) / max(workers, 1)
	for p, r := range l.held {
		rev, err := l.kv.Update(ctx, leaseKey(p), []byte(l.id), r.rev)
		if err != nil {
			l.w.Log.Warn("partition lease lost (not renewed in time); its correlation state starts afresh elsewhere", "partition", p, "err", err)
			l.stop(p, false)
			continue
		}
		r.rev = rev
	}
	for p := range l.held {
		if len(l.held) <= fair {
			break
		}
		l.stop(p, true)
	}
	for p := 0; p < l.w.Partitions && len(l.held) < fair; p++ {
		if _, mine := l.held[p]; mine {
			continue
		}
		rev, err := l.kv.Create(ctx, leaseKey(p), []byte(l.id))
		if err != nil {
			continue // another worker's
		}
		r := &run{stop: make(chan struct{}), done: make(chan struct{}), rev: rev}
		l.held[p] = r
		l.w.owned.Add(1)
		go func() {
			defer close(r.done)
			if err := l.w.partition(ctx, l.js, p, r.stop); err != nil {
				l.mu.Lock()
				l.errs = append(l.errs, err)
				l.mu.Unlock()
			}
		}()
	}
}

// stop ends the consumption of a partition after its batch and, when
// release is set, then frees its lease for another worker. It does not
// wait, so that the other leases are renewed meanwhile.
func (l *leases) stop(p int, release bool) {
	r := l.held[p]
	delete(l.held, p)
	close(r.stop)
	l.stopping.Go(func() {
		<-r.done
		l.w.owned.Add(-1)
		if release {
			// Only while it is still this worker's.
			if err := l.kv.Delete(context.Background(), leaseKey(p), jetstream.LastRevision(r.rev)); err != nil {
				l.w.Log.Debug("releasing a lease", "partition", p, "err", err)
			}
		}
	})
}

// stopAll waits for every partition to stop and frees the leases and the
// worker's entry.
func (l *leases) stopAll() {
	for p := range l.held {
		l.stop(p, true)
	}
	l.stopping.Wait()
	_ = l.kv.Delete(context.Background(), "worker."+l.id)
}

// partition consumes one partition while the server pins it to this worker.
func (w *Worker) partition(ctx context.Context, js jetstream.JetStream, p int, stop <-chan struct{}) error {
	// A handle of its own: the pin belongs to it.
	cons, err := js.Consumer(ctx, StreamName, ConsumerName(p))
	if err != nil {
		return fmt.Errorf("consumer of partition %d: %w", p, err)
	}
	dets := map[string]*stream.Detector{}
	var pending []jetstream.Msg
	var out []Stored
	var ends []int // ends[i]: the end in out of pending[i]'s alerts
	for ctx.Err() == nil && !closed(stop) {
		msgs, err := cons.Fetch(w.Batch, jetstream.FetchMaxWait(time.Second), jetstream.FetchPriorityGroup(ConsumerGroup))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.Log.Warn("fetching events", "partition", p, "err", err)
			sleep(ctx, time.Second)
			continue
		}
		pending, out, ends = pending[:0], out[:0], ends[:0]
		failed := false
		for msg := range msgs.Messages() {
			pending = append(pending, msg)
			if failed {
				continue // the whole batch is handed back
			}
			system := msg.Headers().Get(SystemHeader)
			det, err := w.detector(ctx, dets, system)
			if err != nil {
				w.Log.Warn("linking alerts; the events will be redelivered", "system", system, "err", err)
				failed = true
				continue
			}
			src := "jetstream"
			if meta, err := msg.Metadata(); err == nil {
				src = "jetstream:" + strconv.FormatUint(meta.Sequence.Stream, 10)
			}
			before := det.Stats.Malformed
			_ = det.Process(src, msg.Data(), func(a *stream.Alert) error {
				out = append(out, Stored{System: system, Fingerprint: Fingerprint(system, a), Alert: a})
				return nil
			})
			ends = append(ends, len(out))
			w.events.Add(1)
			if det.Stats.Malformed > before {
				w.malformed.Add(1)
			}
		}
		if err := msgs.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
			w.Log.Warn("fetching events", "partition", p, "err", err)
		}
		if len(pending) == 0 {
			continue
		}
		if ctx.Err() != nil {
			return nil // stopped mid-batch: nothing acknowledged, all redelivered
		}
		if failed {
			for _, m := range pending {
				_ = m.NakWithDelay(time.Second)
			}
			continue
		}
		if _, err := w.Store.Put(ctx, out); err != nil {
			w.Log.Warn("storing a batch of alerts; storing them event by event", "partition", p, "alerts", len(out), "err", err)
			w.putEach(ctx, p, pending, out, ends)
			continue
		}
		w.alerts.Add(int64(len(out)))
		if ctx.Err() != nil {
			// Stopped after storing, before acknowledging: the batch is
			// delivered again, and its alerts are not stored twice.
			return nil
		}
		for _, m := range pending {
			if err := m.Ack(); err != nil && ctx.Err() == nil {
				w.Log.Warn("acknowledging an event", "partition", p, "err", err)
			}
		}
	}
	return nil
}

// putEach stores a failed batch's alerts event by event, so that one
// event whose alerts cannot be stored holds up none of the others: each
// stored event is acknowledged, each other one delivered again, and given
// up after MaxDeliver deliveries.
func (w *Worker) putEach(ctx context.Context, p int, pending []jetstream.Msg, out []Stored, ends []int) {
	start := 0
	for i, m := range pending {
		alerts := out[start:ends[i]]
		start = ends[i]
		if _, err := w.Store.Put(ctx, alerts); err != nil {
			if meta, merr := m.Metadata(); merr == nil && meta.NumDelivered >= uint64(w.MaxDeliver) {
				w.Log.Error("event given up: its alerts could not be stored", "partition", p,
					"sequence", meta.Sequence.Stream, "deliveries", meta.NumDelivered, "alerts", len(alerts), "err", err)
				_ = m.Term()
				continue
			}
			_ = m.NakWithDelay(time.Second)
			continue
		}
		w.alerts.Add(int64(len(alerts)))
		if ctx.Err() != nil {
			return
		}
		_ = m.Ack()
	}
}

// detector returns the partition's detector for a system, linked to the
// system's model.
func (w *Worker) detector(ctx context.Context, dets map[string]*stream.Detector, system string) (*stream.Detector, error) {
	if d, ok := dets[system]; ok {
		return d, nil
	}
	d := stream.New(w.Set)
	if w.Link != nil {
		link, err := w.Link(ctx, system)
		if err != nil {
			return nil, err
		}
		d.Link = link
	}
	dets[system] = d
	return d, nil
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
