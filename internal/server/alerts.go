package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/store"
)

// AlertQuery filters alert lists.
type AlertQuery struct {
	Page
	System    string    `query:"system" maxLength:"100" doc:"Only this system's alerts."`
	Rule      string    `query:"rule" maxLength:"300" doc:"A rule id or title."`
	Level     []string  `query:"level" enum:"informational,low,medium,high,critical" doc:"Any of these rule levels."`
	Component string    `query:"component" maxLength:"300" doc:"Alerts about this model component."`
	Threat    string    `query:"threat" maxLength:"300" doc:"Alerts about this modelled threat (rule@element)."`
	Since     time.Time `query:"since" doc:"Alerts last seen at or after this time (RFC 3339)."`
	Until     time.Time `query:"until" doc:"Alerts first seen before this time (RFC 3339)."`
}

// AlertPath names an alert.
type AlertPath struct {
	ID int64 `path:"id" minimum:"1"`
}

type alertOutput struct {
	Body store.Alert
}

func (s *Server) alertRoutes() {
	huma.Register(s.api, op("list-alerts", http.MethodGet, "/alerts", "detection",
		"Detection alerts, grouped (count, first and last seen), newest first, of the systems the caller may read alerts of"),
		func(ctx context.Context, in *AlertQuery) (*ListOutput[store.Alert], error) {
			p, err := principal(ctx)
			if err != nil {
				return nil, err
			}
			f := store.AlertFilter{SystemID: in.System, Rule: in.Rule, Level: in.Level, Component: in.Component,
				Threat: in.Threat, Since: in.Since, Until: in.Until, Limit: in.Limit, Offset: in.Offset}
			if in.System != "" {
				if _, _, err := s.system(ctx, in.System, rbac.ReadAlerts); err != nil {
					return nil, err
				}
			} else {
				systems, err := s.store.ListSystems(ctx, 0, 0)
				if err != nil {
					return nil, s.fail(ctx, err)
				}
				f.Systems = []string{}
				for _, sys := range systems {
					if p.Allowed(rbac.ReadAlerts, resource(sys)) {
						f.Systems = append(f.Systems, sys.ID)
					}
				}
			}
			items, err := s.store.ListAlerts(ctx, f)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			total, err := s.store.CountAlerts(ctx, f)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			return &ListOutput[store.Alert]{Body: List[store.Alert]{Items: nonNil(items), Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})

	huma.Register(s.api, op("get-alert", http.MethodGet, "/alerts/{id}", "detection", "One alert group with its latest event"),
		func(ctx context.Context, in *AlertPath) (*alertOutput, error) {
			if _, err := principal(ctx); err != nil {
				return nil, err
			}
			a, err := s.store.GetAlert(ctx, in.ID)
			if err != nil {
				return nil, s.fail(ctx, err)
			}
			if _, _, err := s.system(ctx, a.SystemID, rbac.ReadAlerts); err != nil {
				return nil, err
			}
			return &alertOutput{Body: a}, nil
		})

	s.ingestRoute()
	s.registry.MustRegister(&alertCollector{s: s})
}

// alertCollector exposes the alerts stored (all nodes', from the database)
// and this node's ingest counts as metrics.
type alertCollector struct{ s *Server }

var (
	alertsByRule = prometheus.NewDesc("rampart_alerts_total",
		"Alert occurrences stored, by system, rule (id, or title when it has none) and level.", []string{"system", "rule", "level"}, nil)
	alertsByThreat = prometheus.NewDesc("rampart_alerts_by_threat_total",
		"Alert occurrences stored, by system and modelled threat.", []string{"system", "threat"}, nil)
	ingestAccepted = prometheus.NewDesc("rampart_ingest_events_accepted_total",
		"Events this node accepted into the event stream.", nil, nil)
	ingestRejected = prometheus.NewDesc("rampart_ingest_events_rejected_total",
		"Event lines this node rejected, by reason.", []string{"reason"}, nil)
)

// Describe implements prometheus.Collector.
func (c *alertCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- alertsByRule
	ch <- alertsByThreat
	ch <- ingestAccepted
	ch <- ingestRejected
}

// Collect implements prometheus.Collector.
func (c *alertCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	tot, err := c.s.store.AlertTotals(ctx)
	if err != nil {
		c.s.log.Warn("alert metrics", "err", err)
	}
	for _, t := range tot.ByRule {
		ch <- prometheus.MustNewConstMetric(alertsByRule, prometheus.CounterValue, float64(t.Count), t.SystemID, t.Key, t.Level)
	}
	for _, t := range tot.ByThreat {
		ch <- prometheus.MustNewConstMetric(alertsByThreat, prometheus.CounterValue, float64(t.Count), t.SystemID, t.Key)
	}
	if pub := c.s.opts.Ingest; pub != nil {
		accepted, rejected := pub.Counts()
		ch <- prometheus.MustNewConstMetric(ingestAccepted, prometheus.CounterValue, float64(accepted))
		for reason, n := range rejected {
			ch <- prometheus.MustNewConstMetric(ingestRejected, prometheus.CounterValue, float64(n), reason)
		}
	}
}
