package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/ingest"
	"github.com/rampart-sec/rampart/internal/detect/link"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/detect/stream"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

type ingestOutput struct {
	Body ingest.Result
}

func (s *Server) ingestRoute() {
	o := op("ingest-events", http.MethodPost, "/systems/{system}/events", "detection",
		"Send a system's events to detection: NDJSON, one JSON object a line; malformed lines are rejected one by one")
	o.DefaultStatus = http.StatusAccepted
	o.MaxBodyBytes = ingest.MaxBody
	o.Errors = append(o.Errors, http.StatusRequestEntityTooLarge)
	o.Description = fmt.Sprintf("At most %d bytes a request and %d bytes a line. The answer counts the events accepted "+
		"and the lines rejected, naming the first of them; 400 when no line was accepted.", ingest.MaxBody, ingest.MaxLine)
	huma.Register(s.api, o, func(ctx context.Context, in *struct {
		SystemPath
		RawBody []byte `contentType:"application/x-ndjson" doc:"Events, one JSON object a line."`
	}) (*ingestOutput, error) {
		if _, _, err := s.system(ctx, in.System, rbac.IngestEvents); err != nil {
			return nil, err
		}
		if s.opts.Ingest == nil {
			return nil, huma.ErrorWithHeaders(huma.NewError(http.StatusServiceUnavailable,
				"detection is not running on this node: start rampart serve with --rules"), http.Header{"Retry-After": {"60"}})
		}
		res, err := s.opts.Ingest.Publish(ctx, in.System, in.RawBody)
		if err != nil {
			if errors.Is(err, ingest.ErrUnavailable) {
				s.log.Error("event stream", "err", err)
				return nil, huma.ErrorWithHeaders(huma.NewError(http.StatusServiceUnavailable,
					"the event stream does not answer; send the batch again shortly"), http.Header{"Retry-After": {"5"}})
			}
			return nil, s.fail(ctx, err)
		}
		if res.Accepted == 0 && res.Rejected > 0 {
			details := make([]error, len(res.Errors))
			for i, e := range res.Errors {
				details[i] = &huma.ErrorDetail{Message: e, Location: "body"}
			}
			return nil, huma.Error400BadRequest(fmt.Sprintf("no event accepted: %d lines rejected (want one JSON object a line)", res.Rejected), details...)
		}
		return &ingestOutput{Body: res}, nil
	})
}

// AlertStore stores detection workers' alerts in the register.
func (s *Server) AlertStore() ingest.Store { return alertStore{s} }

type alertStore struct{ s *Server }

// Put implements ingest.Store.
func (a alertStore) Put(ctx context.Context, alerts []ingest.Stored) (int, error) {
	occ := make([]store.AlertOccurrence, len(alerts))
	for i, st := range alerts {
		al := st.Alert
		occ[i] = store.AlertOccurrence{Fingerprint: st.Fingerprint, At: al.Time, Alert: store.Alert{
			SystemID: st.System, RuleID: al.RuleID, Title: al.Title, Level: al.Level, Kind: al.Kind,
			Techniques: al.Attack, Components: al.Component, Threats: al.Threats, Group: al.Group,
			Source: al.Source, Event: al.Event}}
	}
	return a.s.reg.RecordAlerts(ctx, occ)
}

// linkRefresh is how often a linker looks for a newer model version.
const linkRefresh = 30 * time.Second

// AlertLinker links a system's alerts to its latest model version: the
// components whose detection section matches the event and the threats
// whose ATT&CK techniques the rule detects. A system without a version
// gets alerts without links; a new version is picked up within
// linkRefresh.
func (s *Server) AlertLinker(rules []*sigma.Rule) ingest.Linker {
	return func(ctx context.Context, system string) (func(*stream.Alert, *event.Event), error) {
		sl := &systemLink{s: s, system: system, rules: rules}
		if err := sl.refresh(ctx); err != nil {
			return nil, err
		}
		return func(a *stream.Alert, ev *event.Event) {
			if s.opts.Now().Sub(sl.checked) > linkRefresh {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				if err := sl.refresh(ctx); err != nil {
					s.log.Warn("linking alerts to the model; keeping the previous version", "system", system, "err", err)
				}
				cancel()
			}
			if sl.link != nil {
				sl.link(a, ev)
			}
		}, nil
	}
}

// systemLink is one detector's view of a system's model; detectors are
// single-threaded, so it has no lock.
type systemLink struct {
	s       *Server
	system  string
	rules   []*sigma.Rule
	seq     int
	checked time.Time
	link    func(*stream.Alert, *event.Event)
}

func (sl *systemLink) refresh(ctx context.Context) error {
	sl.checked = sl.s.opts.Now()
	sys, err := sl.s.store.GetSystem(ctx, sl.system)
	if err != nil {
		return fmt.Errorf("system %s: %w", sl.system, err)
	}
	if sys.LatestVersion == 0 || sys.LatestVersion == sl.seq {
		return nil
	}
	v, err := sl.s.store.GetModelVersion(ctx, sys.ID, sys.LatestVersion)
	if err != nil {
		return fmt.Errorf("system %s version %d: %w", sys.ID, sys.LatestVersion, err)
	}
	// The stored analysis has no ATT&CK techniques (they are the rules'):
	// the version is analysed again, once per version.
	m, _, err := LoadPushed(ctx, fmt.Sprintf("%s@%d.yaml", sys.ID, v.Seq), v.Source)
	if err != nil {
		return fmt.Errorf("system %s version %d: %w", sys.ID, v.Seq, err)
	}
	res := sl.s.analyze(m)
	sl.link = link.New(m, link.Threats(res)).Alerter(sl.rules)
	sl.seq = v.Seq
	return nil
}
