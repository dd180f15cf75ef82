// Package ingest carries events from HTTP into NATS JetStream and from
// JetStream to detection workers: an NDJSON ingest handler with token
// authentication and size limits, an embedded JetStream server (or an
// external one by URL), and workers that share one durable consumer, so
// that more workers (on more nodes) share the load. Delivery is at least
// once: a message is acknowledged only after its alerts are stored, and
// alerts are stored once by their fingerprint.
package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/detect/stream"
)

// Names of the stream, its subject and the workers' durable consumer.
const (
	StreamName = "RAMPART_EVENTS"
	Subject    = "rampart.events"
	Consumer   = "detect"
)

// Embedded is a JetStream server inside the process, listening on
// loopback only, with its store in a directory of its own.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a JetStream server on 127.0.0.1 (a free port)
// storing under dir.
func StartEmbedded(dir string) (*Embedded, error) {
	srv, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir,
		NoLog: true, NoSigs: true, MaxPayload: MaxLine + 1024,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded JetStream: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("embedded JetStream did not start within 10s")
	}
	return &Embedded{srv: srv}, nil
}

// URL is where clients connect.
func (e *Embedded) URL() string { return e.srv.ClientURL() }

// Close stops the server.
func (e *Embedded) Close() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// Connect opens a JetStream client at url and makes sure the event stream
// exists (file storage, kept a day).
func Connect(ctx context.Context, url string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url, nats.Name("rampart"))
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to NATS at %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("JetStream: %w", err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: StreamName, Subjects: []string{Subject}, Storage: jetstream.FileStorage,
		MaxAge: 24 * time.Hour, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("creating the event stream: %w", err)
	}
	return nc, js, nil
}

// Authenticator decides whether an ingest request may send events; the
// server mounts the handler behind its own (users, tokens, roles).
type Authenticator interface {
	Authenticate(r *http.Request) error
}

// TokenAuth accepts requests bearing one token ("Authorization: Bearer
// T"), compared in constant time.
type TokenAuth struct{ Token string }

// Authenticate implements Authenticator.
func (a TokenAuth) Authenticate(r *http.Request) error {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || a.Token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(a.Token)) != 1 {
		return errors.New("missing or wrong bearer token")
	}
	return nil
}

// Limits of one ingest request.
const (
	MaxBody = 16 << 20 // bytes of one request
	MaxLine = 1 << 20  // bytes of one event
)

// publishWindow is how many events are published before waiting for the
// stream's acknowledgements.
const publishWindow = 1000

// Result is the reply to an ingest request.
type Result struct {
	Accepted int      `json:"accepted"`
	Rejected int      `json:"rejected"`
	Errors   []string `json:"errors,omitempty"`
}

// Handler accepts POSTed NDJSON (one JSON object a line) and publishes
// every well-formed line to the event stream, answering how many were
// accepted and rejected. Lines that are not a JSON object or are too long
// are rejected one by one; a body over MaxBody is refused as a whole.
func Handler(js jetstream.JetStream, auth Authenticator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST NDJSON events", http.StatusMethodNotAllowed)
			return
		}
		if err := auth.Authenticate(r); err != nil {
			w.Header().Set("WWW-Authenticate", "Bearer")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		// The whole body is read first, so a body over the limit is
		// refused before any of it is published.
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, fmt.Sprintf("body larger than %d bytes", MaxBody), http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "reading the body failed", http.StatusBadRequest)
			return
		}
		br := bufio.NewReaderSize(bytes.NewReader(data), 64<<10)
		var res Result
		var futures []jetstream.PubAckFuture
		for n := 1; ; n++ {
			line, tooLong, err := readLine(br)
			line = bytes.TrimSpace(line)
			switch {
			case tooLong:
				res.reject(n, fmt.Sprintf("longer than %d bytes", MaxLine))
			case len(line) == 0:
			case line[0] != '{' || !json.Valid(line):
				res.reject(n, "not a JSON object")
			default:
				f, perr := js.PublishAsync(Subject, line)
				if perr != nil {
					http.Error(w, "event stream unavailable", http.StatusServiceUnavailable)
					return
				}
				futures = append(futures, f)
				// Bound the acknowledgements outstanding.
				if len(futures)%publishWindow == 0 {
					select {
					case <-js.PublishAsyncComplete():
					case <-r.Context().Done():
						return
					}
				}
			}
			if err != nil {
				break // io.EOF: the body is in memory
			}
		}
		select {
		case <-js.PublishAsyncComplete():
		case <-r.Context().Done():
			return
		case <-time.After(30 * time.Second):
			http.Error(w, "event stream did not acknowledge in time", http.StatusServiceUnavailable)
			return
		}
		for _, f := range futures {
			select {
			case <-f.Ok():
				res.Accepted++
			case <-f.Err():
				res.Rejected++
			}
		}
		w.Header().Set("Content-Type", "application/json")
		if res.Rejected > 0 && res.Accepted == 0 {
			w.WriteHeader(http.StatusBadRequest)
		} else {
			w.WriteHeader(http.StatusAccepted)
		}
		_ = json.NewEncoder(w).Encode(res)
	})
}

func (r *Result) reject(line int, why string) {
	r.Rejected++
	if len(r.Errors) < 10 {
		r.Errors = append(r.Errors, fmt.Sprintf("line %d: %s", line, why))
	}
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

// Store keeps alerts; Put stores an alert once per fingerprint and tells
// whether it was new.
type Store interface {
	Put(ctx context.Context, fingerprint string, a *stream.Alert) (bool, error)
}

// MemoryStore is a Store in memory, for tests and single-process use.
type MemoryStore struct {
	mu     sync.Mutex
	alerts map[string]*stream.Alert
	// Duplicates counts Puts of a fingerprint already stored.
	Duplicates int
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{alerts: map[string]*stream.Alert{}} }

// Put implements Store.
func (s *MemoryStore) Put(_ context.Context, fp string, a *stream.Alert) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.alerts[fp]; dup {
		s.Duplicates++
		return false, nil
	}
	s.alerts[fp] = a
	return true, nil
}

// Len returns the number of alerts stored.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.alerts)
}

// Fingerprint identifies an alert: the rule and the event's place in the
// stream (or, for a correlation, its group and time), so that a
// redelivered event stores nothing new while two equal events each count.
func Fingerprint(a *stream.Alert) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", a.RuleID, a.Title, a.Kind, a.Source)
	if a.Kind == "correlation" {
		b, _ := json.Marshal(a.Group)
		h.Write(b)
		fmt.Fprintf(h, "\x00%d", a.Time.UnixNano())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Worker consumes events from the durable consumer shared by all
// workers and stores their alerts.
type Worker struct {
	Set   *ruleset.Set
	Store Store
	// Batch is how many messages one fetch asks for.
	Batch int
	// AckWait is how long the server waits for an acknowledgement before
	// redelivering a message to another worker.
	AckWait time.Duration
	// afterStore, in tests, runs after each message's alerts are stored
	// and before it is acknowledged.
	afterStore func()
}

// Run consumes until ctx is done.
func (w *Worker) Run(ctx context.Context, js jetstream.JetStream) error {
	batch := w.Batch
	if batch <= 0 {
		batch = 256
	}
	wait := w.AckWait
	if wait <= 0 {
		wait = 30 * time.Second
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, StreamName, jetstream.ConsumerConfig{
		Durable: Consumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: wait, MaxAckPending: 16 * batch,
	})
	if err != nil {
		return fmt.Errorf("consumer: %w", err)
	}
	det := stream.New(w.Set)
	for ctx.Err() == nil {
		msgs, err := cons.Fetch(batch, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("fetch: %w", err)
		}
		for msg := range msgs.Messages() {
			if ctx.Err() != nil {
				// Stopped mid-batch: the rest is redelivered to others.
				return nil
			}
			meta, _ := msg.Metadata()
			src := "jetstream"
			if meta != nil {
				src = fmt.Sprintf("jetstream:%d", meta.Sequence.Stream)
			}
			var alerts []*stream.Alert
			_ = det.Process(src, msg.Data(), func(a *stream.Alert) error { alerts = append(alerts, a); return nil })
			stored := true
			for _, a := range alerts {
				if _, err := w.Store.Put(ctx, Fingerprint(a), a); err != nil {
					stored = false
					break
				}
			}
			if !stored {
				_ = msg.Nak()
				continue
			}
			if w.afterStore != nil {
				w.afterStore()
				if ctx.Err() != nil {
					return nil // killed after storing, before acknowledging
				}
			}
			if err := msg.Ack(); err != nil && ctx.Err() == nil {
				return fmt.Errorf("ack: %w", err)
			}
		}
		if err := msgs.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
			return fmt.Errorf("fetch: %w", err)
		}
	}
	return nil
}
