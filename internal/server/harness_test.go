package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// clock is the fake clock the register, sign-in and server share.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// engines runs fn once per engine, each on a fresh database.
func engines(t *testing.T, fn func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, storetest.Postgres(t)) })
}

// people are the test users: one per role, scoped as the RACI allows, and
// two who should see little.
var people = map[string][]rbac.Grant{
	"admin":    {{Role: rbac.Admin}},
	"ciso":     {{Role: rbac.CISO}},
	"sam":      {{Role: rbac.SRO}},
	"lee":      {{Role: rbac.SecurityLead, Team: "team-pay"}},
	"rita":     {{Role: rbac.RiskOwner, System: "payments"}},
	"dev":      {{Role: rbac.Developer, Team: "team-pay"}},
	"vic":      {{Role: rbac.Viewer}},
	"audrey":   {{Role: rbac.Auditor}},
	"outsider": {{Role: rbac.Developer, Team: "team-other"}},
	"nobody":   nil,
	"pusher":   {{Role: rbac.Developer, Team: "team-00"}},
	"shipper":  {{Role: rbac.Ingest, System: "payments"}},
}

// env is one server over a real database, with a token per person.
type env struct {
	t      testing.TB
	st     store.Store
	clock  *clock
	srv    *httptest.Server
	reg    *register.Service
	tokens map[string]string
}

var fast = &argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func newEnv(t testing.TB, db string, regOpts ...register.Option) *env {
	t.Helper()
	ctx := context.Background()
	st, err := engine.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return newEnvOn(t, st, &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}, regOpts...)
}

func newEnvOn(t testing.TB, st store.Store, c *clock, regOpts ...register.Option) *env {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn, err := auth.New(st, auth.Options{Params: fast, Now: c.Now, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	reg := register.New(st, append([]register.Option{register.WithClock(c), register.WithLogger(quiet)}, regOpts...)...)
	srv, err := server.New(st, reg, authn, server.Options{Logger: quiet, Now: c.Now, Tool: "rampart test"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, clock: c, srv: httptest.NewServer(srv.Handler()), reg: reg, tokens: map[string]string{}}
	t.Cleanup(e.srv.Close)
	for name, grants := range people {
		if _, err := st.GetUserByName(ctx, name); err == nil {
			continue // a second node on the same database
		}
		clearance := "official-sensitive"
		if name == "vic" {
			clearance = "official"
		}
		if _, err := authn.CreateUser(ctx, auth.NewUser{Name: name, Password: "password for " + name, Grants: grants, Clearance: modelClass(clearance)}); err != nil {
			t.Fatal(err)
		}
	}
	for name := range people {
		_, secret, err := authn.CreateToken(ctx, auth.NewToken{Name: "test", User: name, TTL: 366 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = secret
	}
	return e
}

// resp is one answer.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// call sends a request as user ("" for anonymous); body is JSON-encoded
// unless it is []byte or a string.
func (e *env) call(user, method, path string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/yaml"
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: data}
}

// must calls and fails the test unless the status is want.
func (e *env) must(want int, user, method, path string, body any, headers ...string) resp {
	e.t.Helper()
	r := e.call(user, method, path, body, headers...)
	if r.status != want {
		e.t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, user, r.status, want, r.body)
	}
	return r
}

// jsonField returns one string field of a JSON object answer.
func (r resp) jsonField(t testing.TB, key string) string {
	t.Helper()
	var m map[string]any
	r.json(t, &m)
	s, _ := m[key].(string)
	return s
}
