package register

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/smtp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/rampart-sec/rampart/internal/store"
)

// NotifyArgs is a notification job: something happened that people should
// hear of. It is enqueued in the transaction of the change.
type NotifyArgs struct {
	// Event is what happened (acceptance.submitted, review.overdue…).
	Event string `json:"event"`
	// Object names the object (acceptance/12).
	Object   string `json:"object"`
	SystemID string `json:"system_id,omitempty"`
	// To are the user names concerned.
	To   []string `json:"to,omitempty"`
	Text string   `json:"text"`
	// Day is set on reminders so that one is sent per object and day.
	Day string `json:"day,omitempty"`
}

// Kind implements river.JobArgs.
func (NotifyArgs) Kind() string { return "rampart_notify" }

// SweepArgs is the periodic sweep job (see Service.Sweep).
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "rampart_sweep" }

// Notifier delivers notifications.
type Notifier interface {
	Notify(ctx context.Context, n NotifyArgs) error
}

// LogNotifier logs notifications (the default when no webhook is set).
type LogNotifier struct{ Log *slog.Logger }

// Notify implements Notifier.
func (l LogNotifier) Notify(_ context.Context, n NotifyArgs) error {
	log := l.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info("notification", "event", n.Event, "object", n.Object, "system", n.SystemID, "to", n.To)
	return nil
}

// Webhook posts each notification as JSON to a URL. With a Secret, the
// body's HMAC-SHA256 is sent in the X-Rampart-Signature header
// ("sha256=" and hex) so the receiver can check where it came from.
type Webhook struct {
	URL    string
	Secret []byte
	Client *http.Client
}

// Notify implements Notifier.
func (w Webhook) Notify(ctx context.Context, n NotifyArgs) error {
	body, err := json.Marshal(n)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if len(w.Secret) > 0 {
		mac := hmac.New(sha256.New, w.Secret)
		mac.Write(body)
		req.Header.Set("X-Rampart-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// Jobs are the register's background job workers. Create them, open the
// store with Workers and Periodic, create the Service, then Attach it.
type Jobs struct {
	svc      atomic.Pointer[Service]
	notifier Notifier
	workers  *river.Workers
	// Swept counts the sweeps this node ran (for tests and metrics).
	Swept atomic.Int64
}

// NewJobs returns the workers, delivering notifications through n.
func NewJobs(n Notifier) *Jobs {
	j := &Jobs{notifier: n, workers: river.NewWorkers()}
	river.AddWorker(j.workers, river.WorkFunc(func(ctx context.Context, job *river.Job[NotifyArgs]) error {
		return j.notifier.Notify(ctx, job.Args)
	}))
	river.AddWorker(j.workers, river.WorkFunc(func(ctx context.Context, job *river.Job[SweepArgs]) error {
		svc := j.svc.Load()
		if svc == nil {
			return errors.New("the register is not attached to the job workers yet")
		}
		out, err := svc.Sweep(ctx)
		if err != nil {
			return err
		}
		j.Swept.Add(1)
		svc.log.Info("sweep", "expired", len(out.Expired), "warned", len(out.Warned), "opened_reviews", len(out.Opened),
			"reminders", out.Reminded)
		return nil
	}))
	return j
}

// Attach gives the workers the register to work on.
func (j *Jobs) Attach(s *Service) { j.svc.Store(s) }

// Workers are the job workers for store.Options.
func (j *Jobs) Workers() *river.Workers { return j.workers }

// Periodic is the sweep, every interval, for store.Options. River runs
// periodic jobs on the elected leader only, so one sweep runs per interval
// however many nodes there are.
func (j *Jobs) Periodic(every time.Duration) []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "rampart_sweep"})}
}

// SMTP mails each notification to the users it names, at the addresses
// their accounts hold (users without one are skipped). The server must
// offer STARTTLS unless it is on loopback; Auth may be nil.
type SMTP struct {
	// Addr is host:port of the mail server.
	Addr string
	From string
	Auth smtp.Auth
	// Users finds the recipients' addresses.
	Users interface {
		GetUserByName(ctx context.Context, name string) (store.User, error)
	}
}

// Notify implements Notifier.
func (m SMTP) Notify(ctx context.Context, n NotifyArgs) error {
	var to []string
	for _, name := range n.To {
		u, err := m.Users.GetUserByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) || (err == nil && u.Email == "") {
			continue
		}
		if err != nil {
			return err
		}
		to = append(to, u.Email)
	}
	if len(to) == 0 {
		return nil
	}
	subject := strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, "Rampart: "+n.Event+" "+n.Object)
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		m.From, strings.Join(to, ", "), subject, strings.ReplaceAll(n.Text, "\n", "\r\n"))
	if err := smtp.SendMail(m.Addr, m.Auth, m.From, to, msg.Bytes()); err != nil {
		return fmt.Errorf("mailing %s: %w", n.Event, err)
	}
	return nil
}
