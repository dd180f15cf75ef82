// Package ingest carries events from HTTP into NATS JetStream and from
// JetStream to detection workers: an NDJSON publisher with size limits, an
// embedded JetStream server (or an external one by URL), and workers that
// share durable consumers, so that more workers (on more nodes) share the
// load. Events are published to partitions by a hash of the system and of
// the fields every correlation groups by, and each partition is pinned to
// one worker at a time, so that all the events of a correlation group
// reach the worker that holds its state. Delivery is at least once: a
// message is acknowledged only after its alerts are stored, and alerts are
// stored once by their fingerprint.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Names of the stream, its subjects, the workers' durable consumers and
// the header that carries an event's system.
const (
	StreamName    = "RAMPART_EVENTS"
	SubjectPrefix = "rampart.events."
	ConsumerGroup = "detect"
	SystemHeader  = "Rampart-System"
)

// Retention is how long the stream keeps an event, and so the longest
// after its publication that an event can be delivered again.
const Retention = 24 * time.Hour

// DefaultPartitions is how many partitions the stream is split into: the
// most workers that can share correlation work.
const DefaultPartitions = 16

// Subject is the subject of partition p.
func Subject(p int) string { return SubjectPrefix + strconv.Itoa(p) }

// ConsumerName is the durable consumer of partition p.
func ConsumerName(p int) string { return ConsumerGroup + "-" + strconv.Itoa(p) }

// Limits of ingest.
const (
	MaxBody = 16 << 20 // bytes of one request
	MaxLine = 1 << 20  // bytes of one event
)

// Embedded is a JetStream server inside the process, with its store in a
// directory of its own. It listens on no port: only this process's
// connections reach it.
type Embedded struct {
	srv *server.Server
}

// StartEmbedded starts a JetStream server storing under dir.
func StartEmbedded(dir string) (*Embedded, error) {
	srv, err := server.NewServer(&server.Options{
		DontListen: true, JetStream: true, StoreDir: dir,
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

// Connect opens a JetStream client in the process, as Connect does.
func (e *Embedded) Connect(ctx context.Context) (*nats.Conn, jetstream.JetStream, error) {
	return connect(ctx, "embedded JetStream", nats.InProcessServer(e.srv))
}

// Close stops the server.
func (e *Embedded) Close() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// Connect opens a JetStream client at url and makes sure the event stream
// exists (file storage, kept a day) with its partitions.
func Connect(ctx context.Context, url string) (*nats.Conn, jetstream.JetStream, error) {
	return connect(ctx, url, func(o *nats.Options) error { o.Url = url; return nil })
}

func connect(ctx context.Context, where string, opt nats.Option) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect("", opt, nats.Name("rampart"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to NATS at %s: %w", where, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("JetStream: %w", err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: StreamName, Subjects: []string{SubjectPrefix + "*"}, Storage: jetstream.FileStorage,
		MaxAge: Retention, Duplicates: 2 * time.Minute, MaxMsgSize: MaxLine,
	})
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("creating the event stream: %w", err)
	}
	return nc, js, nil
}
