package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/store"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, st store.Store) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rampart_http_requests_total", Help: "API requests by operation and status code.",
		}, []string{"operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "rampart_http_request_duration_seconds", Help: "API request latency by operation.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
	}
	up := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "rampart_database_up", Help: "1 when the database answered a ping at scrape time.",
		ConstLabels: prometheus.Labels{"engine": st.Engine()},
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if st.Ping(ctx) != nil {
			return 0
		}
		return 1
	})
	reg.MustRegister(m.requests, m.duration, up, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})
}

// observe records metrics and one structured log line per API request:
// operation, status, latency and user, never bodies, tokens or cookies.
func (s *Server) observe(ctx huma.Context, next func(huma.Context)) {
	start := s.opts.Now()
	next(ctx)
	op := ctx.Operation().OperationID
	elapsed := s.opts.Now().Sub(start)
	code := ctx.Status()
	s.metrics.requests.WithLabelValues(op, strconv.Itoa(code)).Inc()
	s.metrics.duration.WithLabelValues(op).Observe(elapsed.Seconds())
	user := ""
	if p := auth.PrincipalFrom(ctx.Context()); p != nil {
		user = p.User
	}
	level := s.log.Debug
	if code >= 500 {
		level = s.log.Error
	}
	level("request", "op", op, "method", ctx.Method(), "path", ctx.URL().Path, "status", code,
		"ms", float64(elapsed.Microseconds())/1000, "user", user)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz answers 200 while the database answers and 503 while it does not,
// so a load balancer takes the node out until the database is back.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Warn("not ready", "err", err)
		w.Header().Set("Retry-After", "5")
		writeProblem(w, http.StatusServiceUnavailable, "database unavailable", "the node waits for the database to answer again")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"status": "ready", "engine": s.store.Engine()})
}
