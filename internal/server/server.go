// Package server serves the organisation's register over HTTP: a REST API
// under /api/v1 described by OpenAPI 3.1 at /api/v1/openapi.json, with
// RFC 9457 problem+json errors, pagination, filtering and sorting, and
// ETag/If-Match on every update; sign-in with passwords, sessions, tokens
// and OIDC; role checks from the RACI; Prometheus metrics; health and
// readiness probes; graceful shutdown. The register's rules live in
// internal/register and its storage in internal/store: this package only
// translates HTTP to them and back.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/detect/ingest"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/web"
)

// Version is the API version in the OpenAPI document.
const Version = "1.0.0"

// MaxBodyBytes bounds request bodies other than model pushes.
const MaxBodyBytes = 1 << 20

// MaxModelBytes bounds a pushed model.
const MaxModelBytes = 32 << 20

// Options configure a Server.
type Options struct {
	// Logger receives structured request and security logs (default slog.Default()).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OIDC, when set, enables sign-in through an OpenID Connect provider.
	OIDC *auth.OIDC
	// TrustedOrigins are extra origins allowed to make browser requests that
	// change state (the server's own origin always is).
	TrustedOrigins []string
	// Tool names this build in stored analyses, e.g. "rampart 1.2.0".
	Tool string
	// Ingest, when set, takes events into detection (alerts_ingest.go).
	Ingest *ingest.Publisher
}

// Server is one stateless API node over a store.
type Server struct {
	store    store.Store
	reg      *register.Service
	auth     *auth.Service
	opts     Options
	log      *slog.Logger
	api      huma.API
	handler  http.Handler
	metrics  *metrics
	registry *prometheus.Registry
}

// New builds the HTTP handler over st, reg (the register workflow on st)
// and authn (sign-in on st).
func New(st store.Store, reg *register.Service, authn *auth.Service, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tool == "" {
		opts.Tool = "rampart"
	}
	s := &Server{store: st, reg: reg, auth: authn, opts: opts, log: opts.Logger}
	s.registry = prometheus.NewRegistry()
	s.metrics = newMetrics(s.registry, st)

	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Rampart register", Version)
	cfg.Info.Description = "The organisation's threat register: systems, model versions, threats and their " +
		"treatment, risk acceptances, policy exceptions, reviews, policy, users, tokens and the audit trail."
	// Types from other packages are named with their package (StoreThreat,
	// DiffThreat), so that two Threats do not clash.
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = "/schemas"
	// No $schema links in bodies: clients decode strictly.
	cfg.CreateHooks = nil
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", Description: "An API token (rampart token create)."},
		"session": {Type: "apiKey", In: "cookie", Name: auth.SessionCookie, Description: "A browser session."},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
	s.api = humago.NewWithPrefix(mux, "/api/v1", cfg)
	s.api.UseMiddleware(s.observe)
	s.routes()

	mux.Handle("/", web.New(reg, authn, web.Options{Logger: opts.Logger, Now: opts.Now, OIDC: opts.OIDC != nil, LoadModel: LoadPushed,
		Analyze: s.analyze}))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	if opts.OIDC != nil {
		mux.HandleFunc("GET /auth/oidc/login", opts.OIDC.Begin)
		mux.HandleFunc("GET /auth/oidc/callback", s.oidcCallback)
	}

	csrf := http.NewCrossOriginProtection()
	for _, o := range opts.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", o, err)
		}
	}
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusForbidden, "cross-origin request refused",
			"a browser on another origin may not change the register; use the server's own pages or an API token")
	}))
	s.handler = csrf.Handler(withClient(s.authenticate(mux)))
	return s, nil
}

func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	pkg := path.Base(t.PkgPath())
	if t.Name() == "" || pkg == "server" || pkg == "." || t.PkgPath() == "" {
		return name
	}
	return strings.ToUpper(pkg[:1]) + pkg[1:] + name
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on l until ctx is done, then shuts down gracefully: it stops
// accepting, lets requests in flight finish for up to grace, and returns.
func (s *Server) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// authenticate resolves the caller of every request and puts the principal
// in its context. Credentials that do not hold are refused here, so no
// handler sees a half-authenticated request.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.auth.Authenticate(r)
		if err != nil {
			if errors.Is(err, auth.ErrBadCredentials) && r.Header.Get("Authorization") == "" && !strings.HasPrefix(r.URL.Path, "/api/") {
				next.ServeHTTP(w, web.SessionEnded(w, r))
				return
			}
			if errors.Is(err, auth.ErrBadCredentials) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="rampart"`)
				writeProblem(w, http.StatusUnauthorized, "credentials refused",
					"the token or session is unknown, expired or revoked; sign in again or create a new token")
				return
			}
			s.unavailable(w, r, err)
			return
		}
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", "5")
	writeProblem(w, http.StatusServiceUnavailable, "register unavailable", "the database does not answer; try again shortly")
}

func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	u, err := s.opts.OIDC.Finish(w, r)
	if err != nil {
		s.log.Info("oidc sign-in refused", "err", err)
		writeProblem(w, http.StatusUnauthorized, "sign-in refused", err.Error())
		return
	}
	c, err := s.auth.StartSession(r.Context(), u)
	if err != nil {
		s.unavailable(w, r, err)
		return
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
