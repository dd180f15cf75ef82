package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

func TestBadInputIsRefusedWithProblems(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp()
		th := "/api/v1/systems/payments/threats/" + url.PathEscape("missing-hardening@db")
		_, tag := e.threat("missing-hardening@db")
		cases := []struct {
			name, method, path, body string
			headers                  []string
			status                   int
			says                     string
		}{
			{"malformed JSON", "PATCH", th, `{"owner": "x"`, []string{"If-Match", tag}, 400, "unexpected end of JSON"},
			{"not an object", "POST", "/api/v1/systems/payments/acceptances", `[1,2]`, nil, 422, "expected object"},
			{"unknown field", "PATCH", th, `{"owner":"x","colour":"red"}`, []string{"If-Match", tag}, 422, "colour"},
			{"wrong type", "PATCH", th, `{"owner":42}`, []string{"If-Match", tag}, 422, "expected string"},
			{"bad enum", "PATCH", th, `{"status":"done"}`, []string{"If-Match", tag}, 422, "status"},
			{"oversized body", "POST", th + "/comments", `{"text":"` + strings.Repeat("a", 2<<20) + `"}`, nil, 413, "too large"},
			{"oversized model", "POST", "/api/v1/systems/payments/versions", strings.Repeat("# pad\n", 6<<20), []string{"Content-Type", "application/yaml"}, 413, "too large"},
			{"malformed If-Match", "PATCH", th, `{"owner":"x"}`, []string{"If-Match", "3"}, 400, "ETag"},
			{"invalid date", "PATCH", th, `{"due":"31/12/2026"}`, []string{"If-Match", tag}, 422, "date"},
			{"expiry in the past", "POST", "/api/v1/systems/payments/acceptances",
				`{"threats":["missing-hardening@db"],"justification":"j","expires":"2020-01-01"}`, nil, 422, "not after today"},
			{"unknown threat", "POST", "/api/v1/systems/payments/acceptances",
				`{"threats":["no-such@thing"],"justification":"j","expires":"2027-01-01"}`, nil, 404, "no-such@thing"},
			{"unknown system", "GET", "/api/v1/systems/nope", "", nil, 404, "nope"},
			{"bad page", "GET", "/api/v1/systems?limit=100000", "", nil, 422, "limit"},
		}
		for _, c := range cases {
			r := e.call("lee", c.method, c.path, c.body, c.headers...)
			if r.status != c.status || !strings.Contains(strings.ToLower(string(r.body)), strings.ToLower(c.says)) {
				t.Errorf("%s: %d %.300s; want %d mentioning %q", c.name, r.status, r.body, c.status, c.says)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q, want application/problem+json", c.name, ct)
			}
		}

		// Invalid transitions: a draft cannot be approved, an approved one not submitted.
		r := e.must(201, "lee", "POST", "/api/v1/systems/payments/acceptances",
			map[string]any{"threats": []string{"missing-hardening@db"}, "justification": "j", "expires": "2027-01-31"})
		var acc struct {
			ID int64 `json:"id"`
		}
		r.json(t, &acc)
		p := "/api/v1/acceptances/" + strconv.FormatInt(acc.ID, 10)
		r = e.must(http.StatusConflict, "rita", "POST", p+"/approve", nil, "If-Match", r.header.Get("ETag"))
		if !strings.Contains(string(r.body), "draft") {
			t.Errorf("approving a draft: %s", r.body)
		}
	})
}

// proxy is a TCP relay in front of the database that can be cut and restored.
type proxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	l      net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	p.start("127.0.0.1:0")
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) start(addr string) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.l, p.addr = l, l.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every relayed connection: the database is gone.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		p.l.Close()
		p.l = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address.
func (p *proxy) restore() { p.start(p.addr) }

func TestDatabaseDownIs503AndRecovers(t *testing.T) {
	raw := storetest.Postgres(t)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	px := newProxy(t, u.Host)
	u.Host = px.addr
	ctx := context.Background()
	st, err := engine.Open(ctx, u.String(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	e := newEnvOn(t, st, &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
	e.setUp()
	e.must(200, "vic", "GET", "/api/v1/systems/payments/threats", nil)
	e.must(200, "", "GET", "/readyz", nil)

	px.cut()
	for _, path := range []string{"/api/v1/systems/payments/threats", "/api/v1/systems", "/api/v1/policy"} {
		r := e.call("vic", "GET", path, nil)
		if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
			r.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s with the database down: %d %s (Retry-After %q)", path, r.status, r.body, r.header.Get("Retry-After"))
		}
	}
	if r := e.call("", "GET", "/readyz", nil); r.status != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database down: %d", r.status)
	}
	if r := e.call("", "GET", "/healthz", nil); r.status != http.StatusOK {
		t.Errorf("healthz (the process) with the database down: %d", r.status)
	}

	px.restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.call("vic", "GET", "/api/v1/systems/payments/threats", nil)
		if r.status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after the database came back: %d %s", r.status, r.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.must(200, "", "GET", "/readyz", nil)
	_, tag := e.threat("missing-hardening@db")
	e.must(200, "dev", "PATCH", "/api/v1/systems/payments/threats/"+url.PathEscape("missing-hardening@db"),
		map[string]any{"owner": "dev"}, "If-Match", tag)
}

func TestOpenAPIMetricsAndProbes(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.setUp()
	doc := e.must(200, "", "GET", "/api/v1/openapi.json", nil)
	var d struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	doc.json(t, &d)
	if d.OpenAPI != "3.1.0" || len(d.Paths) < 30 {
		t.Errorf("OpenAPI %q with %d paths", d.OpenAPI, len(d.Paths))
	}
	e.must(404, "vic", "GET", "/api/v1/systems/nope", nil)
	m := e.must(200, "", "GET", "/metrics", nil)
	for _, want := range []string{
		`rampart_http_requests_total{code="201",operation="push-version"} 1`,
		`rampart_http_requests_total{code="404",operation="get-system"} 1`,
		`rampart_database_up{engine="sqlite"} 1`,
		`rampart_http_request_duration_seconds_bucket{operation="list-threats"`,
	} {
		if want == `rampart_http_request_duration_seconds_bucket{operation="list-threats"` {
			e.must(200, "vic", "GET", "/api/v1/systems/payments/threats", nil)
			m = e.must(200, "", "GET", "/metrics", nil)
		}
		if !strings.Contains(string(m.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(string(m.body), e.tokens["vic"]) {
		t.Error("a token shows in the metrics")
	}
}

func TestSignInLockoutAndRateLimitOverHTTP(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	login := func(pw string) int {
		return e.call("", "POST", "/api/v1/auth/login", map[string]any{"user": "vic", "password": pw}).status
	}
	for i := range 5 {
		if got := login("wrong password"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, got)
		}
	}
	if got := login("password for vic"); got != http.StatusLocked {
		t.Errorf("right password on a locked account: %d, want 423", got)
	}
	var last resp
	for range 5 {
		last = e.call("", "POST", "/api/v1/auth/login", map[string]any{"user": "dev", "password": "x"})
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("11th attempt in a minute from one address: %d (Retry-After %q)", last.status, last.header.Get("Retry-After"))
	}
	// The lock and the limit pass with time.
	e.clock.Add(16 * time.Minute)
	if got := login("password for vic"); got != http.StatusOK {
		t.Errorf("after the lock: %d", got)
	}
}
