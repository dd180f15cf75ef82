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
// exists (file storage, kept a day) with its partitions.
func Connect(ctx context.Context, url string) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url, nats.Name("rampart"), nats.MaxReconnects(-1))
	if err != nil {
		return nil, nil, fmt.Errorf("connecting to NATS at %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("JetStream: %w", err)
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: StreamName, Subjects: []string{SubjectPrefix + "*"}, Storage: jetstream.FileStorage,
		MaxAge: 24 * time.Hour, Duplicates: 2 * time.Minute, MaxMsgSize: MaxLine,
	})
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("creating the event stream: %w", err)
	}
	return nc, js, nil
}
