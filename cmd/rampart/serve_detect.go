package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/rampart-sec/rampart/internal/detect/ingest"
	"github.com/rampart-sec/rampart/internal/detect/ruleset"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
)

// detection is serve's event ingest and detection workers; without
// --rules it is off and publisher is nil.
type detection struct {
	flags     detectFlags
	log       *slog.Logger
	set       *ruleset.Set
	embedded  *ingest.Embedded
	conn      *nats.Conn
	publisher *ingest.Publisher
	js        jetstream.JetStream
	workers   sync.WaitGroup
	cancel    context.CancelFunc
}

// startDetection loads the rule set and connects to the event stream
// (starting the embedded one next to the register's data when --nats is
// not given).
func startDetection(cmd *cobra.Command, f detectFlags, db string, log *slog.Logger) (*detection, error) {
	d := &detection{flags: f, log: log}
	if len(f.rules) == 0 {
		if f.nats != "" {
			return nil, fail(exitUsage, errors.New("--nats needs --rules: detection runs only with a rule set"))
		}
		return d, nil
	}
	if f.workers < 0 || f.partitions < 1 {
		return nil, fail(exitUsage, fmt.Errorf("--detect-workers %d, --partitions %d: want 0 or more workers and 1 or more partitions", f.workers, f.partitions))
	}
	set, err := f.load(cmd)
	if err != nil {
		return nil, err
	}
	counts := set.Count()
	fmt.Fprintf(cmd.ErrOrStderr(), "detection: %d rules (%d files ok, %d unsupported, %d invalid)\n",
		len(set.Rules), counts[ruleset.OK], counts[ruleset.Unsupported], counts[ruleset.Invalid])
	var (
		nc *nats.Conn
		js jetstream.JetStream
	)
	if f.nats == "" {
		dir, derr := dataDir(db)
		if derr != nil {
			return nil, fail(exitUsage, derr)
		}
		if d.embedded, derr = ingest.StartEmbedded(dir); derr != nil {
			return nil, fail(exitUsage, derr)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "events: embedded JetStream, data in %s\n", dir)
		nc, js, err = d.embedded.Connect(cmd.Context())
	} else {
		fmt.Fprintf(cmd.ErrOrStderr(), "events: JetStream at %s\n", redactURL(f.nats))
		nc, js, err = ingest.Connect(cmd.Context(), f.nats)
	}
	if err != nil {
		d.close()
		return nil, fail(exitUsage, err)
	}
	d.conn, d.js, d.set = nc, js, set
	d.publisher = ingest.NewPublisher(js, set, f.partitions)
	if fields, free := d.publisher.PartitionFields(); !free && len(fields) == 0 {
		log.Warn("the correlations share no group-by field: all events go to one partition, so one worker does the detection")
	}
	return d, nil
}

// pruneEvery is how often a node forgets the fingerprints of alert
// occurrences stored more than twice the stream's retention ago (no event
// can be delivered again from then).
const pruneEvery = time.Hour

// run starts the node's workers and the pruning of old fingerprints; they
// stop when ctx is done.
func (d *detection) run(ctx context.Context, srv *server.Server, reg *register.Service) {
	if d.publisher == nil {
		return
	}
	ctx, d.cancel = context.WithCancel(ctx)
	d.workers.Go(func() {
		t := time.NewTicker(pruneEvery)
		defer t.Stop()
		for {
			if n, err := reg.PruneAlertOccurrences(ctx, time.Now().Add(-2*ingest.Retention)); err != nil && ctx.Err() == nil {
				d.log.Warn("forgetting old alert fingerprints", "err", err)
			} else if n > 0 {
				d.log.Info("forgot old alert fingerprints", "occurrences", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	for i := range d.flags.workers {
		w := &ingest.Worker{Set: d.set, Store: srv.AlertStore(), Link: srv.AlertLinker(d.set.Rules),
			Partitions: d.flags.partitions, Log: d.log.With("worker", i)}
		d.workers.Go(func() {
			if err := w.Run(ctx, d.js); err != nil {
				d.log.Error("detection worker stopped", "worker", i, "err", err)
			}
		})
	}
}

// close stops the workers, waits for them and closes the stream.
func (d *detection) close() {
	if d.cancel != nil {
		d.cancel()
	}
	d.workers.Wait()
	if d.conn != nil {
		d.conn.Close()
	}
	if d.embedded != nil {
		d.embedded.Close()
	}
}

// dataDir is where the embedded JetStream keeps events: beside a SQLite
// register, else under the default data directory.
func dataDir(db string) (string, error) {
	if !engine.IsPostgres(db) {
		return filepath.Join(filepath.Dir(db), "jetstream"), nil
	}
	p, err := store.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(p), "jetstream"), nil
}

// redactURL drops the user information of a URL for messages.
func redactURL(u string) string {
	if at := strings.LastIndex(u, "@"); at >= 0 {
		scheme, _, _ := strings.Cut(u, "://")
		return scheme + "://…@" + u[at+1:]
	}
	return u
}
