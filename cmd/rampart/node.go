package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
)

// SweepEvery is how often the register's sweep (expiries, warnings,
// periodic reviews, reminders) runs; one node runs it each time.
const SweepEvery = time.Hour

// notifier delivers the register's notifications: to the webhook in
// $RAMPART_WEBHOOK_URL when set, else to the log.
func notifier(log *slog.Logger) register.Notifier {
	if u := os.Getenv("RAMPART_WEBHOOK_URL"); u != "" {
		return register.Webhook{URL: u}
	}
	return register.LogNotifier{Log: log}
}

// node is one open register: the store, its workflow and sign-in.
type node struct {
	store    store.Store
	register *register.Service
	jobs     *register.Jobs
	auth     *auth.Service
}

// openStore opens the database at db (a file or postgres:// URL).
func openStore(ctx context.Context, db string, opts store.Options) (store.Store, error) {
	st, err := engine.Open(ctx, db, opts)
	if err != nil {
		return nil, fmt.Errorf("open the register (%s): %w", describeDB(db), err)
	}
	return st, nil
}

// openNode opens the register at db. With jobs, the node also works the
// register's background jobs (expiry sweeps, reminders, notifications);
// periodic ones run on one elected node.
func openNode(ctx context.Context, db string, log *slog.Logger, jobs bool, regOpts ...register.Option) (*node, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	opts := store.Options{}
	var js *register.Jobs
	if jobs {
		js = register.NewJobs(notifier(log))
		opts.Workers, opts.PeriodicJobs = js.Workers(), js.Periodic(SweepEvery)
	}
	st, err := openStore(ctx, db, opts)
	if err != nil {
		return nil, err
	}
	reg := register.New(st, append([]register.Option{register.WithLogger(log)}, regOpts...)...)
	if jobs {
		js.Attach(reg)
		if err := st.StartJobs(ctx); err != nil {
			_ = st.Close(ctx)
			return nil, fmt.Errorf("start background jobs: %w", err)
		}
	}
	a, err := auth.New(st, auth.Options{Logger: log})
	if err != nil {
		_ = st.Close(ctx)
		return nil, err
	}
	return &node{store: st, register: reg, jobs: js, auth: a}, nil
}

func (n *node) close(ctx context.Context) { _ = n.store.Close(ctx) }
