package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/detect/stream"
)

// publishWindow is how many events are published before waiting for the
// stream's acknowledgements.
const publishWindow = 1000

// maxErrors bounds the line errors one reply lists.
const maxErrors = 10

// Result is the reply to one batch of events.
type Result struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	// Errors name the first rejected lines and why.
	Errors []string `json:"errors,omitempty"`
}

// ErrUnavailable is returned when the event stream does not take or
// acknowledge events; nothing can be said about the batch's events then
// (some may be stored), so the sender sends the batch again.
var ErrUnavailable = errors.New("event stream unavailable")

// Publisher splits NDJSON batches into events and publishes them to the
// partitions of the event stream. It is safe for concurrent use.
type Publisher struct {
	js         jetstream.JetStream
	partitions int
	// fields decide the partition with the system; free means any
	// partition will do (no correlation).
	fields []string
	free   bool
	next   atomic.Uint64
	dec    sync.Pool

	accepted atomic.Int64
	mu       sync.Mutex
	rejected map[string]int64
}

// NewPublisher publishes to js for the rule set's correlations over the
// given number of partitions (DefaultPartitions if 0 or less). Every node
// must use the same number.
func NewPublisher(js jetstream.JetStream, set *ruleset.Set, partitions int) *Publisher {
	if partitions <= 0 {
		partitions = DefaultPartitions
	}
	p := &Publisher{js: js, partitions: partitions, rejected: map[string]int64{}}
	p.fields, p.free = set.Correlation.PartitionFields()
	p.dec.New = func() any { return event.NewDecoder() }
	return p
}

// PartitionFields returns the fields events are partitioned by besides
// their system, and whether any partition will do.
func (p *Publisher) PartitionFields() ([]string, bool) { return p.fields, p.free }

// partition picks an event's partition.
func (p *Publisher) partition(system string, ev *event.Event) int {
	if p.free {
		return int(p.next.Add(1) % uint64(p.partitions))
	}
	h := fnv.New64a()
	h.Write([]byte(system))
	for _, f := range p.fields {
		h.Write([]byte{0})
		if v, ok := ev.Get(f); ok && v.Kind != event.Null {
			h.Write([]byte(v.Value))
		}
	}
	return int(h.Sum64() % uint64(p.partitions))
}

// Publish publishes the events of an NDJSON body for a system. Lines that
// are not a JSON object, too long, too deep or with too many fields are
// rejected one by one and counted; the others are published. It returns
// once the stream has acknowledged every event published, or with
// ErrUnavailable.
func (p *Publisher) Publish(ctx context.Context, system string, body []byte) (Result, error) {
	var res Result
	dec := p.dec.Get().(*event.Decoder)
	defer p.dec.Put(dec)
	br := bufio.NewReaderSize(bytes.NewReader(body), 64<<10)
	var futures []jetstream.PubAckFuture
	var ev event.Event
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		line = bytes.TrimSpace(line)
		switch {
		case tooLong:
			p.reject(&res, n, "too large", fmt.Sprintf("longer than %d bytes", MaxLine))
		case len(line) == 0:
		default:
			if derr := dec.Decode(line, &ev); derr != nil {
				p.reject(&res, n, stream.Reason(derr), derr.Error())
				break
			}
			msg := &nats.Msg{Subject: Subject(p.partition(system, &ev)), Data: line, Header: nats.Header{SystemHeader: {system}}}
			f, perr := p.js.PublishMsgAsync(msg)
			if perr != nil {
				return res, fmt.Errorf("%w: %v", ErrUnavailable, perr)
			}
			futures = append(futures, f)
			if len(futures)%publishWindow == 0 {
				if err := p.wait(ctx); err != nil {
					return res, err
				}
			}
		}
		if err != nil {
			break // io.EOF: the body is in memory
		}
	}
	if err := p.wait(ctx); err != nil {
		return res, err
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
			res.Accepted++
		case err := <-f.Err():
			return res, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	p.accepted.Add(int64(res.Accepted))
	return res, nil
}

func (p *Publisher) wait(ctx context.Context) error {
	select {
	case <-p.js.PublishAsyncComplete():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(30 * time.Second):
		return fmt.Errorf("%w: no acknowledgement within 30s", ErrUnavailable)
	}
}

func (p *Publisher) reject(res *Result, line int, why, detail string) {
	res.Rejected++
	if len(res.Errors) < maxErrors {
		res.Errors = append(res.Errors, fmt.Sprintf("line %d: %s", line, detail))
	}
	p.mu.Lock()
	p.rejected[why]++
	p.mu.Unlock()
}

// Counts returns the events accepted and those rejected by reason since
// the publisher started.
func (p *Publisher) Counts() (accepted int64, rejected map[string]int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int64, len(p.rejected))
	for k, v := range p.rejected {
		out[k] = v
	}
	return p.accepted.Load(), out
}

func readLine(br *bufio.Reader) ([]byte, bool, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxLine {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, tooLong, err
	}
}
