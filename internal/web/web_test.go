package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/rbac"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/store/storetest"
	"github.com/rampart-sec/rampart/internal/web"
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

// people are the test users, one per role the screens differ for.
var people = map[string][]rbac.Grant{
	"admin": {{Role: rbac.Admin}},
	"cleo":  {{Role: rbac.CISO}},
	"sam":   {{Role: rbac.SRO}},
	"rita":  {{Role: rbac.RiskOwner, System: "payments"}},
	"lee":   {{Role: rbac.SecurityLead, Team: "team-pay"}},
	"dev":   {{Role: rbac.Developer, Team: "team-pay"}},
	"vic":   {{Role: rbac.Viewer}},
	"aud":   {{Role: rbac.Auditor}},
}

func password(name string) string { return "password for " + name }

var fast = &argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// env is a real server (TLS, so that the __Host- session cookie is kept)
// over SQLite, with the payments model pushed.
type env struct {
	t      *testing.T
	clock  *clock
	srv    *httptest.Server
	tokens map[string]string
	reg    *register.Service
}

func newEnv(t *testing.T) *env { return newEnvOn(t, storetest.SQLite(t)) }

// newEnvOn is newEnv on the database at dbURL.
func newEnvOn(t *testing.T, dbURL string) *env {
	t.Helper()
	ctx := context.Background()
	st, err := engine.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	c := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn, err := auth.New(st, auth.Options{Params: fast, Now: c.Now, Logger: quiet, AttemptsPerMinute: 1000})
	if err != nil {
		t.Fatal(err)
	}
	reg := register.New(st, register.WithClock(c), register.WithLogger(quiet))
	srv, err := server.New(st, reg, authn, server.Options{Logger: quiet, Now: c.Now, Tool: "rampart test"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, clock: c, srv: httptest.NewTLSServer(srv.Handler()), tokens: map[string]string{}, reg: reg}
	t.Cleanup(e.srv.Close)
	for name, grants := range people {
		if _, err := authn.CreateUser(ctx, auth.NewUser{Name: name, Password: password(name), Grants: grants,
			Clearance: model.Classification("official-sensitive")}); err != nil {
			t.Fatal(err)
		}
		_, secret, err := authn.CreateToken(ctx, auth.NewToken{Name: "test", User: name, TTL: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = secret
	}
	src, err := os.ReadFile("testdata/payments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e.api("dev", "POST", "/api/v1/systems/payments/versions?ref=abc123", src, http.StatusCreated)
	res := e.api("admin", "GET", "/api/v1/systems/payments", nil, http.StatusOK)
	body, _ := json.Marshal(map[string]any{"name": "Payments", "owner_team": "team-pay", "risk_owner": "rita", "sro": "sam",
		"classification": "official", "tier": "tier-1"})
	e.api("admin", "PUT", "/api/v1/systems/payments", body, http.StatusOK, "If-Match", res.Header.Get("ETag"))
	return e
}

// api calls the REST API with user's token and checks the status.
func (e *env) api(user, method, path string, body []byte, want int, headers ...string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	req.Header.Set("Content-Type", "application/json")
	if strings.HasSuffix(path, "abc123") {
		req.Header.Set("Content-Type", "application/yaml")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	data, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		e.t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, user, res.StatusCode, want, data)
	}
	return res
}

// browser is a plain HTTP client with a cookie jar that does not follow
// redirects, standing in for a browser with JavaScript off.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := e.srv.Client()
	c = &http.Client{Transport: c.Transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{e: e, c: c}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, form url.Values, headers ...string) answer {
	b.e.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, rd)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, header: res.Header, body: string(data)}
}

func (b *browser) signIn(name string) {
	b.e.t.Helper()
	a := b.do("POST", "/signin", url.Values{"user": {name}, "password": {password(name)}, "next": {"/"}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/" {
		b.e.t.Fatalf("sign in as %s: %d %s", name, a.status, a.body)
	}
}

// TestStaticPinned checks the served htmx is the file whose version and
// sha256 static/README.md records.
func TestStaticPinned(t *testing.T) {
	readme, err := os.ReadFile("static/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("`htmx.min.js` \\| npm package `htmx.org`[^|]*\\| (2\\.[0-9.]+) \\| `([0-9a-f]{64})`").FindSubmatch(readme)
	if m == nil {
		t.Fatal("static/README.md records no version and sha256 for htmx.min.js")
	}
	e := newEnv(t)
	a := e.browser().do("GET", "/static/htmx.min.js", nil)
	if a.status != http.StatusOK {
		t.Fatalf("GET /static/htmx.min.js: %d", a.status)
	}
	sum := sha256.Sum256([]byte(a.body))
	if got := hex.EncodeToString(sum[:]); got != string(m[2]) {
		t.Errorf("served htmx.min.js has sha256 %s, README records %s", got, m[2])
	}
	if !strings.Contains(a.body, `version:"`+string(m[1])+`"`) {
		t.Errorf("htmx.min.js does not declare version %s", m[1])
	}
}

// TestPagesWithoutJavaScript drives the screens as plain form posts and
// links: what a browser with JavaScript off does.
func TestPagesWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	threat := firstThreat(t, e)
	tpath := "/systems/payments/threats/" + url.PathEscape(threat)

	anon := e.browser()
	if a := anon.do("GET", "/threats?severity=high", nil); a.status != http.StatusSeeOther ||
		a.header.Get("Location") != "/signin?next="+url.QueryEscape("/threats?severity=high") {
		t.Fatalf("anonymous register: %d %s", a.status, a.header.Get("Location"))
	}
	if a := anon.do("POST", "/signin", url.Values{"user": {"dev"}, "password": {"wrong password!"}}); a.status != http.StatusUnauthorized ||
		!strings.Contains(a.body, "wrong user name or password") {
		t.Fatalf("wrong password: %d", a.status)
	}
	if a := anon.do("POST", "/signin", url.Values{"user": {"dev"}, "password": {password("dev")}, "next": {"//evil.example/"}}); a.header.Get("Location") != "/" {
		t.Fatalf("sign-in followed an off-site next: %q", a.header.Get("Location"))
	}

	lee := e.browser()
	lee.signIn("lee")
	for _, path := range []string{"/", "/threats", "/threats?severity=critical&sort=due&page=1", "/systems/payments", tpath} {
		a := lee.do("GET", path, nil)
		if a.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, a.status, a.body)
		}
		if a.header.Get("Content-Security-Policy") != web.CSP {
			t.Errorf("GET %s: CSP %q", path, a.header.Get("Content-Security-Policy"))
		}
		if strings.Contains(a.body, "<script>") || strings.Contains(a.body, " style=") || strings.Contains(a.body, " on") && regexp.MustCompile(` on[a-z]+=`).MatchString(a.body) {
			t.Errorf("GET %s: inline script or style", path)
		}
		if regexp.MustCompile(`(src|href|action)="https?://`).MatchString(a.body) {
			t.Errorf("GET %s: refers to another origin", path)
		}
	}
	if a := lee.do("GET", "/threats?sort=bogus", nil); a.status != http.StatusBadRequest || !strings.Contains(a.body, "want one of") {
		t.Errorf("bad sort: %d", a.status)
	}
	if a := lee.do("GET", "/", nil); !strings.Contains(a.body, `<svg class="heatmap"`) || !strings.Contains(a.body, "tier-1: 1") {
		t.Errorf("dashboard lacks the heatmap or the tier count")
	}

	// A developer of the team requests an acceptance (teams design the
	// treatment); neither they nor the security lead can decide it.
	dev := e.browser()
	dev.signIn("dev")
	a := dev.do("POST", tpath+"/acceptances", url.Values{"justification": {"compensating control at the gateway"}, "expires": {"2027-02-01"}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("developer requests acceptance: %d %s", a.status, a.body)
	}
	for _, who := range []*browser{dev, lee} {
		page := who.do("GET", tpath, nil).body
		if !strings.Contains(page, "submitted") || strings.Contains(page, "Approve acceptance") {
			t.Fatalf("after the request a requester-side role sees the wrong page")
		}
	}
	id, version := acceptanceForm(t, e, "sam", tpath)
	for name, who := range map[string]*browser{"developer (the requester)": dev, "security lead": lee} {
		if a := who.do("POST", "/acceptances/"+id+"/approve", url.Values{"version": {version}}); a.status != http.StatusForbidden {
			t.Fatalf("%s approving: %d, want 403", name, a.status)
		}
	}
	if id2, _ := acceptanceForm(t, e, "rita", tpath); id2 != id {
		t.Fatalf("the risk owner sees the approve form of acceptance %s, want %s", id2, id)
	}

	// The viewer sees no write action and is refused when posting anyway.
	vic := e.browser()
	vic.signIn("vic")
	page := vic.do("GET", tpath, nil).body
	for _, action := range []string{`method="post" action="/systems`, "Approve acceptance", "Request acceptance", "Add comment"} {
		if strings.Contains(page, action) {
			t.Errorf("viewer sees %q", action)
		}
	}
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{tpath + "/comments", url.Values{"text": {"hello"}}},
		{tpath + "/status", url.Values{"status": {"mitigated"}, "version": {"1"}}},
		{tpath + "/acceptances", url.Values{"justification": {"x"}, "expires": {"2027-01-01"}}},
		{"/acceptances/" + id + "/approve", url.Values{"version": {version}}},
	} {
		if a := vic.do("POST", post.path, post.form); a.status != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d, want 403", post.path, a.status)
		}
	}

	// A form posted from another origin is refused before any handler.
	sam := e.browser()
	sam.signIn("sam")
	if a := sam.do("POST", "/acceptances/"+id+"/approve", url.Values{"version": {version}}, "Sec-Fetch-Site", "cross-site",
		"Origin", "https://evil.example"); a.status != http.StatusForbidden || !strings.Contains(a.body, "cross-origin") {
		t.Fatalf("cross-origin approve: %d %s", a.status, a.body)
	}
	// The SRO approves.
	if a := sam.do("POST", "/acceptances/"+id+"/approve", url.Values{"version": {version}, "note": {"ok until the gateway rule lands"}}); a.status != http.StatusSeeOther {
		t.Fatalf("SRO approve: %d %s", a.status, a.body)
	}
	if page := sam.do("GET", tpath, nil).body; !strings.Contains(page, `<dd id="status">accepted</dd>`) {
		t.Fatalf("threat not accepted after approval")
	}

	// The review queue: the push opened an SRO review; only the SRO signs it off.
	queue := sam.do("GET", "/reviews", nil)
	m := regexp.MustCompile(`action="/reviews/([0-9]+)/complete" class="complete">\s*<input type="hidden" name="version" value="([0-9]+)">`).FindStringSubmatch(queue.body)
	if queue.status != http.StatusOK || m == nil || !strings.Contains(queue.body, "2026-12-22") {
		t.Fatalf("SRO's review queue: %d, complete form found: %v", queue.status, m != nil)
	}
	if page := vic.do("GET", "/reviews", nil).body; strings.Contains(page, "Complete review") || !strings.Contains(page, "not yours to sign off") {
		t.Errorf("viewer's review queue offers sign-off")
	}
	if strings.Contains(vic.do("GET", "/", nil).body, `href="/reviews"`) || !strings.Contains(sam.do("GET", "/", nil).body, `href="/reviews"`) {
		t.Errorf("only an SRO's navigation should lead to the review queue")
	}
	rp := sam.do("GET", "/reviews/"+m[1], nil)
	if rp.status != http.StatusOK || !strings.Contains(rp.body, `id="review-changes"`) || !strings.Contains(rp.body, "<td>new</td>") ||
		!strings.Contains(rp.body, `action="/reviews/`+m[1]+`/complete"`) {
		t.Errorf("the review page lacks what changed or the sign-off: %d", rp.status)
	}
	if page := vic.do("GET", "/reviews/"+m[1], nil).body; strings.Contains(page, "/complete") || !strings.Contains(page, `id="review-changes"`) {
		t.Errorf("the viewer's review page offers sign-off or lacks the changes")
	}
	if a := vic.do("POST", "/reviews/"+m[1]+"/complete", url.Values{"version": {m[2]}}); a.status != http.StatusForbidden {
		t.Errorf("viewer completing a review: %d, want 403", a.status)
	}
	if a := sam.do("POST", "/reviews/"+m[1]+"/complete", url.Values{"version": {m[2]}, "notes": {"model matches the design"}}); a.status != http.StatusSeeOther {
		t.Fatalf("SRO completing the review: %d %s", a.status, a.body)
	}
	if page := sam.do("GET", "/reviews", nil).body; !strings.Contains(page, "No review due.") {
		t.Errorf("completed review still queued")
	}
	if a := vic.do("GET", "/policy", nil); a.status != http.StatusOK || !strings.Contains(a.body, "Risk appetite") {
		t.Errorf("policy page: %d", a.status)
	}
	if page := lee.do("GET", "/systems/payments", nil).body; !strings.Contains(page, "<h2>Model warnings</h2>") {
		t.Errorf("system page lacks the model warnings")
	}

	// The audit trail: auditors read and verify it, others are refused.
	aud := e.browser()
	aud.signIn("aud")
	trail := aud.do("GET", "/audit?verify=1", nil)
	if trail.status != http.StatusOK || !strings.Contains(trail.body, `id="verified"`) || !strings.Contains(trail.body, "acceptance.") {
		t.Errorf("auditor's verified trail: %d", trail.status)
	}
	if !strings.Contains(aud.do("GET", "/", nil).body, `href="/audit"`) || strings.Contains(vic.do("GET", "/", nil).body, `href="/audit"`) {
		t.Errorf("only an auditor's navigation should lead to the audit trail")
	}
	if a := vic.do("GET", "/audit", nil); a.status != http.StatusForbidden {
		t.Errorf("viewer reading the audit trail: %d, want 403", a.status)
	}

	// Sign-out ends the session on the server; the old cookie then leads
	// back to the sign-in page.
	u, _ := url.Parse(e.srv.URL)
	old := sam.c.Jar.Cookies(u)
	if a := sam.do("POST", "/signout", url.Values{}); a.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", a.status)
	}
	sam.c.Jar.SetCookies(u, old)
	if a := sam.do("GET", "/threats", nil); a.status != http.StatusSeeOther ||
		!strings.HasPrefix(a.header.Get("Location"), "/signin?expired=1&next=") {
		t.Fatalf("stale session: %d %q", a.status, a.header.Get("Location"))
	}

	// Overdue treatments: none yet; after the SLAs of critical and high
	// threats pass, the open ones are listed and the accepted one is not.
	if a := lee.do("GET", "/threats?system=payments&overdue=1", nil); !strings.Contains(a.body, "No threats match.") {
		t.Errorf("overdue threats listed before any is due: %d", a.status)
	}
	e.clock.Add(40 * 24 * time.Hour)
	lee.signIn("lee")
	page = lee.do("GET", "/threats?system=payments&overdue=1", nil).body
	if !strings.Contains(page, "Threats 1–") || strings.Contains(page, `href="`+tpath+`"`) {
		t.Errorf("overdue threats: want some listed, and not the accepted one")
	}

	// A session past its lifetime does too.
	e.clock.Add(13 * time.Hour)
	if a := lee.do("GET", "/", nil); a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/signin?expired=1") {
		t.Fatalf("expired session: %d %q", a.status, a.header.Get("Location"))
	}
}

// firstThreat returns the id of the payments system's first threat.
func firstThreat(t *testing.T, e *env) string {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/systems/payments/threats?sort=-severity&limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["dev"])
	r, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var list struct {
		Items []store.Threat `json:"items"`
	}
	if err := json.NewDecoder(r.Body).Decode(&list); err != nil || len(list.Items) == 0 {
		t.Fatalf("list threats: %v %d", err, len(list.Items))
	}
	return list.Items[0].ID
}

// acceptanceForm reads, from the threat page as user, the id and version of
// the acceptance the approve form decides.
func acceptanceForm(t *testing.T, e *env, user, tpath string) (id, version string) {
	t.Helper()
	b := e.browser()
	b.signIn(user)
	page := b.do("GET", tpath, nil).body
	m := regexp.MustCompile(`action="/acceptances/([0-9]+)/approve" class="decide">\s*<input type="hidden" name="version" value="([0-9]+)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("%s sees no approve form", user)
	}
	return m[1], m[2]
}
