package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// syncBuffer is a buffer two goroutines can use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// serveNode is one `rampart serve` running in-process.
type serveNode struct {
	url    string
	stderr *syncBuffer
	stop   context.CancelFunc
	done   chan int
}

var servingRE = regexp.MustCompile(`serving on (http://\S+)`)

func startServe(t *testing.T, args ...string) *serveNode {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	n := &serveNode{stderr: &syncBuffer{}, stop: cancel, done: make(chan int, 1)}
	go func() {
		n.done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--grace", "5s"}, args...), strings.NewReader(""), io.Discard, n.stderr)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := servingRE.FindStringSubmatch(n.stderr.String()); m != nil {
			n.url = m[1]
			break
		}
		select {
		case code := <-n.done:
			t.Fatalf("serve exited %d: %s", code, n.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", n.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() { n.shutdown(t) })
	return n
}

// shutdown stops the node as SIGINT would and checks it exits 0.
func (n *serveNode) shutdown(t *testing.T) {
	if n.stop == nil {
		return
	}
	n.stop()
	n.stop = nil
	select {
	case code := <-n.done:
		if code != 0 {
			t.Errorf("serve exited %d on shutdown: %s", code, n.stderr)
		}
	case <-time.After(15 * time.Second):
		t.Error("serve did not shut down")
	}
}

func apiCall(t *testing.T, token, method, url string, body any, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, data
}

// bootstrap adds users with the CLI and returns a token per user.
func bootstrap(t *testing.T, db string, users map[string]string) map[string]string {
	t.Helper()
	tokens := map[string]string{}
	for name, role := range users {
		args := []string{"user", "add", name, "--db", db, "--clearance", "official-sensitive"}
		if role != "" {
			args = append(args, "--role", role)
		}
		if code, out, errOut := runCLI(t, args...); code != 0 || !strings.Contains(out, "created user "+name) {
			t.Fatalf("user add %s: %d %s %s", name, code, out, errOut)
		}
		code, out, errOut := runCLI(t, "token", "create", "--db", db, "--user", name, "--name", "test", "--days", "30")
		if code != 0 || !strings.HasPrefix(out, "rampart_") {
			t.Fatalf("token create %s: %d %q %s", name, code, out, errOut)
		}
		tokens[name] = strings.TrimSpace(out)
	}
	return tokens
}

func serverModel(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../internal/server/testdata/payments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return writeModel(t, string(src))
}

func TestServeZeroSetUpAndTheServerCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	t.Setenv("RAMPART_DB", "")
	n := startServe(t)
	out := n.stderr.String()
	if !strings.Contains(out, "register: SQLite "+filepath.Join(dir, "rampart", "rampart.db")) ||
		!regexp.MustCompile(`created the first user, admin, with password \S+`).MatchString(out) {
		t.Fatalf("zero set-up start: %s", out)
	}
	db := filepath.Join(dir, "rampart", "rampart.db")
	tokens := bootstrap(t, db, map[string]string{"dev": "developer@team:team-pay", "rita": "risk-owner@system:payments",
		"lee": "security-lead@team:team-pay", "audrey": "auditor"})
	path := serverModel(t)

	// The printed password signs in; user passwd replaces it.
	adminPW := regexp.MustCompile(`with password (\S+)`).FindStringSubmatch(out)[1]
	if st, _, body := apiCall(t, "", "POST", n.url+"/api/v1/auth/login", map[string]string{"user": "admin", "password": adminPW}); st != 200 {
		t.Fatalf("admin sign-in: %d %s", st, body)
	}
	code, stdout, _ := runCLI(t, "user", "passwd", "admin", "--db", db)
	m := regexp.MustCompile(`password: (\S+) \(shown once\)`).FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("user passwd: %d %s", code, stdout)
	}
	if st, _, _ := apiCall(t, "", "POST", n.url+"/api/v1/auth/login", map[string]string{"user": "admin", "password": m[1]}); st != 200 {
		t.Errorf("sign-in with the new password: %d", st)
	}
	if st, _, _ := apiCall(t, "", "POST", n.url+"/api/v1/auth/login", map[string]string{"user": "admin", "password": adminPW}); st != 401 {
		t.Errorf("sign-in with the replaced password: %d", st)
	}

	// push: the token and server from the environment.
	t.Setenv("RAMPART_SERVER", n.url)
	t.Setenv("RAMPART_TOKEN", tokens["dev"])
	code, stdout, stderr := runCLI(t, "push", path, "--ref", "v1")
	mod, ps, err := model.Load(t.Context(), path, model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("%s: %v %v", path, err, ps.Errors())
	}
	count := len(analysis.Analyze(mod, analysis.Options{}).Findings)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("pushed payments version 1: %d threat(s), %d new", count, count)) {
		t.Fatalf("push: %d %s %s", code, stdout, stderr)
	}
	// An invalid model is not sent; the problems are the validator's.
	bad := writeModel(t, strings.Replace(mustRead(t, path), "from: web\n", "from: wbe\n", 1))
	code, _, stderr = runCLI(t, "push", bad)
	if code != 1 || !strings.Contains(stderr, "did you mean 'web'") || !strings.Contains(stderr, "nothing was pushed") {
		t.Errorf("push of an invalid model: %d %s", code, stderr)
	}
	// A wrong token: usage error with a hint.
	code, _, stderr = runCLI(t, "push", path, "--token", "rampart_wrong")
	if code != 2 || !strings.Contains(stderr, "401") {
		t.Errorf("push with a bad token: %d %s", code, stderr)
	}

	// check --server gates on the server's decisions: open threats breach.
	code, stdout, _ = runCLI(t, "check", path, "--server")
	if code != 1 || !strings.Contains(stdout, "above the risk appetite") {
		t.Fatalf("check --server before decisions: %d %s", code, stdout)
	}
	// The server's risk owner accepts every breaching threat; the gate passes.
	setOwners(t, n.url, db, "rita")
	var breaches []string
	for _, line := range strings.Split(stdout, "\n") {
		if f := strings.Fields(line); len(f) > 2 && strings.HasSuffix(f[0], ":") && strings.Contains(f[2], "@") {
			breaches = append(breaches, f[2])
		}
	}
	if len(breaches) == 0 {
		t.Fatalf("no breaches parsed from %s", stdout)
	}
	st, hdr, body := apiCall(t, tokens["lee"], "POST", n.url+"/api/v1/systems/payments/acceptances", map[string]any{
		"threats": breaches, "justification": "accepted for the pilot", "expires": time.Now().AddDate(0, 3, 0).Format(time.DateOnly), "submit": true})
	if st != 201 {
		t.Fatalf("request acceptance: %d %s", st, body)
	}
	var acc struct{ ID int64 }
	_ = json.Unmarshal(body, &acc)
	if st, _, body := apiCall(t, tokens["rita"], "POST", n.url+"/api/v1/acceptances/"+itoa(acc.ID)+"/approve", nil, "If-Match", hdr.Get("ETag")); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	code, stdout, stderr = runCLI(t, "check", path, "--server")
	if code != 0 || !strings.Contains(stdout, "none above the risk appetite") {
		t.Fatalf("check --server after the acceptance: %d %s %s", code, stdout, stderr)
	}
	// Offline, the file alone still fails: nothing was decided in it.
	if code, _, _ := runCLI(t, "check", path); code != 1 {
		t.Errorf("offline check without pulled decisions: %d, want 1", code)
	}

	// pull writes the decisions into the file, keeping the rest and its comments.
	before := mustRead(t, path)
	code, stdout, stderr = runCLI(t, "pull", path)
	if code != 0 || !strings.Contains(stderr, "wrote "+path+" (") || !strings.Contains(stderr, " decision(s) from payments version 1)") {
		t.Fatalf("pull: %d %s %s", code, stdout, stderr)
	}
	after := mustRead(t, path)
	if !strings.Contains(after, "# A small system for the API tests") || !strings.Contains(after, "accepted_by: rita") ||
		!strings.Contains(after, "decide on the server, not here") || len(after) <= len(before) {
		t.Errorf("pulled file:\n%s", after)
	}
	if code, stdout, _ := runCLI(t, "check", path); code != 0 {
		t.Errorf("offline check after pull: %d %s", code, stdout)
	}
	if code, stdout, _ := runCLI(t, "pull", path); code != 0 || !strings.Contains(stdout, "up to date") {
		t.Errorf("second pull: %d %s", code, stdout)
	}

	// diff: offline between files, and between versions on the server.
	code, _, _ = runCLI(t, "diff", bad, path)
	if code != exitFindings {
		t.Errorf("diff with an invalid model: %d", code)
	}
	v2 := writeModel(t, strings.Replace(before, "flows:\n", "  - {id: admin, type: web-application, internet_facing: true, processes: [card-data]}\nflows:\n", 1))
	code, stdout, _ = runCLI(t, "diff", path, v2)
	if code != 0 || !strings.Contains(stdout, "+ component admin") || !strings.Contains(stdout, "@admin") {
		t.Errorf("offline diff: %d %s", code, stdout)
	}
	if code, stdout, stderr := runCLI(t, "push", v2); code != 0 || !strings.Contains(stdout, "version 2") {
		t.Fatalf("push v2: %d %s %s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "diff", "--server="+n.url, "--system", "payments", "1", "latest", "-f", "json")
	if code != 0 || !strings.Contains(stdout, `"id": "admin"`) {
		t.Errorf("server diff: %d %s %s", code, stdout, stderr)
	}

	for name, tok := range tokens {
		if strings.Contains(n.stderr.String(), tok) {
			t.Errorf("%s's token is in the server log", name)
		}
	}

	// audit verify, on the server and on the database; then tamper with it.
	t.Setenv("RAMPART_TOKEN", tokens["audrey"])
	if code, stdout, stderr := runCLI(t, "audit", "verify", "--server"); code != 0 || !strings.Contains(stdout, "the hash chain is intact") {
		t.Errorf("audit verify --server: %d %s %s", code, stdout, stderr)
	}
	n.shutdown(t)
	if code, stdout, _ := runCLI(t, "audit", "verify", "--db", db); code != 0 || !strings.Contains(stdout, "intact") {
		t.Errorf("audit verify --db: %d %s", code, stdout)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, stdout, _ = runCLI(t, "audit", "verify", "--db", db)
	if code != 1 || !strings.Contains(stdout, "TAMPERED") || !strings.Contains(stdout, "entry 3") {
		t.Errorf("audit verify after an edit: %d %s", code, stdout)
	}

	// migrate: all applied.
	code, stdout, _ = runCLI(t, "migrate", "status", "--db", db)
	if code != 0 || !strings.Contains(stdout, "0 pending") {
		t.Errorf("migrate status: %d %s", code, stdout)
	}
	if code, stdout, _ := runCLI(t, "migrate", "up", "--db", db); code != 0 || !strings.Contains(stdout, "0 migration(s) applied") {
		t.Errorf("migrate up: %d %s", code, stdout)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// setOwners makes riskOwner the risk owner of payments with an admin
// token made on the database.
func setOwners(t *testing.T, url, db, riskOwner string) {
	t.Helper()
	code, out, errOut := runCLI(t, "token", "create", "--db", db, "--user", "admin", "--name", "setup", "--days", "1")
	if code != 0 {
		t.Fatalf("admin token: %s %s", out, errOut)
	}
	tok := strings.TrimSpace(out)
	st, hdr, body := apiCall(t, tok, "GET", url+"/api/v1/systems/payments", nil)
	if st != 200 {
		t.Fatalf("get system: %d %s", st, body)
	}
	st, _, body = apiCall(t, tok, "PUT", url+"/api/v1/systems/payments", map[string]any{"name": "Payments", "owner_team": "team-pay",
		"risk_owner": riskOwner, "classification": "official"}, "If-Match", hdr.Get("ETag"))
	if st != 200 {
		t.Fatalf("set owners: %d %s", st, body)
	}
}

// TestTwoNodesOnOnePostgreSQL starts two `rampart serve` nodes on one
// database: a change through one is seen through the other, and the
// periodic sweep runs once however many nodes there are.
func TestTwoNodesOnOnePostgreSQL(t *testing.T) {
	db := storetest.Postgres(t)
	tokens := bootstrap(t, db, map[string]string{"dev": "developer@team:team-pay", "admin": "admin"})
	a := startServe(t, "--db", db, "--log-format", "json")
	b := startServe(t, "--db", db, "--log-format", "json")

	t.Setenv("RAMPART_TOKEN", tokens["dev"])
	if code, stdout, stderr := runCLI(t, "push", serverModel(t), "--server", a.url); code != 0 {
		t.Fatalf("push through a: %d %s %s", code, stdout, stderr)
	}
	th := "/api/v1/systems/payments/threats/missing-hardening@db"
	st, hdr, body := apiCall(t, tokens["dev"], "GET", b.url+th, nil)
	if st != 200 {
		t.Fatalf("the push through a is not seen through b: %d %s", st, body)
	}
	st, _, body = apiCall(t, tokens["dev"], "PATCH", b.url+th, map[string]any{"owner": "dev", "status": "mitigating"}, "If-Match", hdr.Get("ETag"))
	if st != 200 {
		t.Fatalf("update through b: %d %s", st, body)
	}
	st, _, body = apiCall(t, tokens["dev"], "GET", a.url+th, nil)
	if st != 200 || !strings.Contains(string(body), `"status":"mitigating"`) {
		t.Fatalf("the update through b is not seen through a: %d %s", st, body)
	}
	// A stale write through a, based on what b replaced, is refused.
	st, _, _ = apiCall(t, tokens["dev"], "PATCH", a.url+th, map[string]any{"owner": "x"}, "If-Match", hdr.Get("ETag"))
	if st != http.StatusPreconditionFailed {
		t.Errorf("stale write through the other node: %d", st)
	}

	// Sign-in attempts are counted in the database: ten through either node
	// use up the minute's allowance on both.
	for i := range 10 {
		n := []*serveNode{a, b}[i%2]
		if st, _, body := apiCall(t, "", "POST", n.url+"/api/v1/auth/login", map[string]string{"user": "dev", "password": "not the password"}); st != http.StatusUnauthorized && st != http.StatusLocked {
			t.Fatalf("failed sign-in %d: %d %s", i+1, st, body)
		}
	}
	for _, n := range []*serveNode{a, b} {
		if st, hdr, _ := apiCall(t, "", "POST", n.url+"/api/v1/auth/login", map[string]string{"user": "admin", "password": "x"}); st != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
			t.Errorf("an 11th sign-in within the minute through %s: %d, want 429 with Retry-After", n.url, st)
		}
	}

	// The sweep runs on start on the elected leader only.
	sweeps := func() int {
		return strings.Count(a.stderr.String(), `"msg":"sweep"`) + strings.Count(b.stderr.String(), `"msg":"sweep"`)
	}
	deadline := time.Now().Add(90 * time.Second)
	for sweeps() == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	if n := sweeps(); n != 1 {
		t.Errorf("the periodic sweep ran %d times across two nodes, want 1\na: %s\nb: %s", n, a.stderr, b.stderr)
	}
	a.shutdown(t)
	b.shutdown(t)
}

func TestServeSettingsFromFlagsEnvironmentAndFile(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "serve.yaml")
	if err := os.WriteFile(cfg, []byte("listen: 127.0.0.1:9999\nlog-level: debug\ntrusted-origin: [https://a.example, https://b.example]\ngrace: 3s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := newServeCmd()
	if err := cmd.Flags().Parse([]string{"--log-level", "warn"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RAMPART_LISTEN", "127.0.0.1:7777")
	if err := layerConfig(cmd.Flags(), cfg); err != nil {
		t.Fatal(err)
	}
	get := func(name string) string { return cmd.Flags().Lookup(name).Value.String() }
	cases := map[string]string{
		"log-level":      "warn",                                  // the flag wins
		"listen":         "127.0.0.1:7777",                        // then the environment
		"grace":          "3s",                                    // then the file
		"trusted-origin": "[https://a.example,https://b.example]", // lists from the file
		"log-format":     "text",                                  // else the default
	}
	for name, want := range cases {
		if got := get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("listn: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := layerConfig(newServeCmd().Flags(), bad)
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:1:1") || !strings.Contains(err.Error(), "listen") {
		t.Errorf("unknown setting: %v", err)
	}
}
