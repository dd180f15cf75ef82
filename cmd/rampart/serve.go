package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/threats/builtin"
)

func init() {
	extraCommands = append(extraCommands, newServeCmd)
}

// dbFlag declares --db on a command (serve, user, token, migrate, audit).
func dbFlag(cmd *cobra.Command, db *string) {
	cmd.Flags().StringVar(db, "db", "", "database: a SQLite file (default under the user's data directory) or postgres://...")
}

// dbPath returns the database address: --db, else $RAMPART_DB, else the
// default SQLite file.
func dbPath(db string) (string, error) {
	if db == "" {
		db = os.Getenv("RAMPART_DB")
	}
	if db == "" {
		return store.DefaultPath()
	}
	return db, nil
}

// describeDB names a database for messages without its password.
func describeDB(db string) string {
	if !engine.IsPostgres(db) {
		return "SQLite " + db
	}
	if at := strings.LastIndex(db, "@"); at >= 0 {
		scheme, _, _ := strings.Cut(db, "://")
		return "PostgreSQL " + scheme + "://…@" + db[at+1:]
	}
	return "PostgreSQL " + db
}

// layerConfig fills every flag the user did not set from the environment
// (RAMPART_ + the flag name in capitals, '-' as '_') and then from the
// config file (a YAML mapping of flag names to values): flags win, then
// the environment, then the file.
func layerConfig(fs *pflag.FlagSet, file string) error {
	values := map[string]any{}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("config: %w", err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("config %s: %w", file, err)
		}
		if len(doc.Content) == 1 {
			root := doc.Content[0]
			if root.Kind != yaml.MappingNode {
				return fmt.Errorf("config %s:%d:%d: want a mapping of setting names to values", file, root.Line, root.Column)
			}
			for i := 0; i+1 < len(root.Content); i += 2 {
				k, v := root.Content[i], root.Content[i+1]
				f := fs.Lookup(k.Value)
				if f == nil || k.Value == "config" {
					return fmt.Errorf("config %s:%d:%d: unknown setting %q%s", file, k.Line, k.Column, k.Value, suggestSuffix(k.Value, flagNames(fs)))
				}
				var val any
				if err := v.Decode(&val); err != nil {
					return fmt.Errorf("config %s:%d:%d: %s: %w", file, v.Line, v.Column, k.Value, err)
				}
				values[k.Value] = val
			}
		}
	}
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "config" || f.Name == "help" {
			return
		}
		env := "RAMPART_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", env, v, e)
			}
			return
		}
		v, ok := values[f.Name]
		if !ok {
			return
		}
		items := []any{v}
		if list, isList := v.([]any); isList {
			items = list
		}
		for _, it := range items {
			if e := f.Value.Set(fmt.Sprint(it)); e != nil {
				err = fmt.Errorf("config %s: %s: %w", file, f.Name, e)
				return
			}
		}
	})
	return err
}

func flagNames(fs *pflag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(f *pflag.Flag) { out = append(out, f.Name) })
	return out
}

type serveConfig struct {
	db, listen, config, logFormat, logLevel string
	baseURL                                 string
	grace                                   time.Duration
	trusted                                 []string
	oidcIssuer, oidcClientID, oidcSecret    string
	oidcCAFile                              string
	oidcAutoCreate                          bool
	detect                                  detectFlags
	policy                                  policyFlags
}

func newServeCmd() *cobra.Command {
	var c serveConfig
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the register server: REST API, sign-in, roles, audit trail, metrics",
		Long: `Serve runs the organisation's register over HTTP. With no settings it uses a
SQLite file under the user's data directory (created on first start), listens
on 127.0.0.1:8080 and, when there is no user yet, creates an admin and prints
its password once. With --db postgres://... any number of nodes can serve one
database. Settings come from flags, then RAMPART_* variables (RAMPART_DB,
RAMPART_LISTEN, ...), then a YAML file given with --config.

Endpoints: /api/v1 (OpenAPI at /api/v1/openapi.json), /healthz, /readyz,
/metrics. With --rules, it also takes events at
/api/v1/systems/{system}/events into NATS JetStream (embedded, or --nats) and
runs detection workers that store alerts in the register (/api/v1/alerts).
On SIGINT or SIGTERM it stops accepting, finishes requests in flight
(up to --grace) and exits 0.`,
		Example: `  rampart serve
  rampart serve --db postgres://rampart@db.internal/rampart --listen :8080 --base-url https://rampart.example`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := layerConfig(cmd.Flags(), c.config); err != nil {
				return fail(exitUsage, err)
			}
			setCollectorTarget(100) // the runtime's default, for a process that runs for long
			return serve(cmd, c)
		},
	}
	f := cmd.Flags()
	dbFlag(cmd, &c.db)
	f.StringVar(&c.listen, "listen", "127.0.0.1:8080", "address to listen on")
	f.StringVar(&c.config, "config", "", "YAML file of settings (flag names as keys)")
	f.StringVar(&c.baseURL, "base-url", "", "the server's public URL, e.g. https://rampart.example (for OIDC redirects and origin checks)")
	f.DurationVar(&c.grace, "grace", 15*time.Second, "how long shutdown waits for requests in flight")
	f.StringArrayVar(&c.trusted, "trusted-origin", nil, "another origin browsers may change the register from (repeatable)")
	f.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	f.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	f.StringVar(&c.oidcIssuer, "oidc-issuer", "", "OpenID Connect issuer URL; enables sign-in at /auth/oidc/login")
	f.StringVar(&c.oidcClientID, "oidc-client-id", "", "OIDC client id")
	f.StringVar(&c.oidcSecret, "oidc-client-secret", "", "OIDC client secret (prefer RAMPART_OIDC_CLIENT_SECRET)")
	f.StringVar(&c.oidcCAFile, "oidc-ca-file", "", "PEM file of certificates to trust for the OIDC issuer, besides the system's (a private CA)")
	f.BoolVar(&c.oidcAutoCreate, "oidc-auto-create", false, "create users (with no roles) on their first OIDC sign-in")
	c.detect.add(cmd)
	c.policy.add(cmd)
	f.Lookup("policy").Usage = "govern every model version the server analyses, and its stored policy, by the central risk policy in `FILE` (docs/policy.md)"
	return cmd
}

func newLogger(cmd *cobra.Command, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// serverPolicy loads the central policy file of serve --policy (nil for
// none). Its problems are printed with their positions; an unreadable or
// invalid file is a usage error.
func serverPolicy(cmd *cobra.Command, file string) (*policy.Policy, error) {
	if file == "" {
		return nil, nil
	}
	p, problems, err := policy.Load(cmd.Context(), file, knownRuleIDs(builtin.Rules()))
	if err != nil {
		return nil, fail(exitUsage, fmt.Errorf("--policy %s: %w", file, err))
	}
	for _, pr := range problems {
		fmt.Fprintln(cmd.ErrOrStderr(), pr.String())
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return nil, fail(exitUsage, fmt.Errorf("--policy %s: %d problem(s); the server governs models by no invalid policy", file, len(errs)))
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "policy: %s\n", cmp.Or(p.Name, file))
	return p, nil
}

func serve(cmd *cobra.Command, c serveConfig) error {
	ctx := cmd.Context()
	// The log, background jobs and this function all write to the error
	// stream at once; one lock keeps their lines whole whatever it is.
	cmd.SetErr(&lockedWriter{w: cmd.ErrOrStderr()})
	log, err := newLogger(cmd, c.logFormat, c.logLevel)
	if err != nil {
		return fail(exitUsage, err)
	}
	db, err := dbPath(c.db)
	if err != nil {
		return fail(exitUsage, err)
	}
	floor, err := serverPolicy(cmd, c.policy.policy)
	if err != nil {
		return err
	}
	node, err := openNode(ctx, db, log, true, register.WithFloor(floor))
	if err != nil {
		return fail(exitUsage, err)
	}
	defer node.close(context.WithoutCancel(ctx))
	fmt.Fprintf(cmd.ErrOrStderr(), "register: %s\n", describeDB(db))
	var looser *register.LooserError
	if err := node.register.CheckPolicy(ctx); errors.As(err, &looser) {
		log.Warn("the stored policy is looser than the policy file; it reads tightened, and updates may not loosen it", "detail", err.Error())
	} else if err != nil {
		return fail(exitUsage, err)
	}
	if err := firstAdmin(ctx, cmd, node); err != nil {
		return fail(exitUsage, err)
	}

	opts := server.Options{Logger: log, Tool: "rampart " + version, TrustedOrigins: c.trusted}
	if c.oidcIssuer != "" {
		if c.baseURL == "" || c.oidcClientID == "" {
			return fail(exitUsage, errors.New("--oidc-issuer needs --base-url and --oidc-client-id"))
		}
		client, err := oidcClient(c.oidcCAFile)
		if err != nil {
			return fail(exitUsage, err)
		}
		o, err := node.auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: c.oidcIssuer, ClientID: c.oidcClientID, ClientSecret: c.oidcSecret,
			RedirectURL: strings.TrimRight(c.baseURL, "/") + "/auth/oidc/callback", AutoCreate: c.oidcAutoCreate}, client)
		if err != nil {
			return fail(exitUsage, err)
		}
		opts.OIDC = o
	}
	det, err := startDetection(cmd, c.detect, db, log)
	if err != nil {
		return err
	}
	defer det.close()
	opts.Ingest = det.publisher
	srv, err := server.New(node.store, node.register, node.auth, opts)
	if err != nil {
		return fail(exitUsage, err)
	}
	det.run(ctx, srv, node.register)
	l, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fail(exitUsage, fmt.Errorf("listen: %w", err))
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "serving on http://%s (API at /api/v1, OpenAPI at /api/v1/openapi.json)\n", l.Addr())
	if err := srv.Serve(ctx, l, c.grace); err != nil {
		return fail(exitUsage, err)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "stopped")
	return nil
}

// lockedWriter serialises the writes of several goroutines to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// oidcClient is the HTTP client that reaches the OIDC issuer: the system's
// roots, and those in caFile when given.
func oidcClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return &http.Client{Timeout: 30 * time.Second}, nil
	}
	data, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("--oidc-ca-file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("--oidc-ca-file %s: no PEM certificate in it", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// firstAdmin creates an admin when the register has no user yet, with the
// password from $RAMPART_ADMIN_PASSWORD or a random one printed once.
func firstAdmin(ctx context.Context, cmd *cobra.Command, n *node) error {
	users, err := n.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return nil
	}
	pw, given := os.LookupEnv("RAMPART_ADMIN_PASSWORD")
	if !given {
		pw = rand.Text()
	}
	u, err := n.auth.PrepareUser(auth.NewUser{Name: "admin", Password: pw, Grants: []rbac.Grant{{Role: rbac.Admin}},
		// The first account administers every system, whatever its classification.
		Clearance: "top-secret"})
	if err != nil {
		return fmt.Errorf("creating the first admin: %w", err)
	}
	// Recorded on the audit trail as made by the system on an empty register.
	if _, err := n.register.CreateUserDirect(ctx, register.Direct{Actor: register.SystemActor}, u); err != nil {
		if errors.Is(err, store.ErrExists) {
			return nil // another node starting at the same time made it
		}
		return fmt.Errorf("creating the first admin: %w", err)
	}
	if given {
		fmt.Fprintln(cmd.ErrOrStderr(), "created the first user, admin, with the password in RAMPART_ADMIN_PASSWORD")
	} else {
		fmt.Fprintf(cmd.ErrOrStderr(), "created the first user, admin, with password %s (shown once: sign in and give roles to people with 'rampart user add')\n", pw)
	}
	return nil
}
