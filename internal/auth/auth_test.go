package auth

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/rampart-sec/rampart/internal/rbac"
)

// clock is a settable test clock.
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

// fastParams keep tests quick; production uses argon2id.DefaultParams.
var fastParams = &argon2id.Params{Memory: 8 * 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func newTestService(t *testing.T, st Store) *Service {
	t.Helper()
	return newClockedService(t, st, &clock{t: time.Now()})
}

func newClockedService(t *testing.T, st Store, c *clock) *Service {
	t.Helper()
	svc, err := New(st, Options{Params: fastParams, Now: c.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestPasswordSignIn(t *testing.T) {
	svc := newTestService(t, newTestStore(t))
	ctx := t.Context()
	if _, err := svc.CreateUser(ctx, NewUser{Name: "alice", Password: "correct horse battery",
		Grants: []rbac.Grant{{Role: rbac.Developer, Team: "team-pay"}}, Clearance: "official"}); err != nil {
		t.Fatal(err)
	}
	u, err := svc.Login(ctx, "10.0.0.1", "alice", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if p := Principal(u); p.User != "alice" || len(p.Grants) != 1 || p.Grants[0].Team != "team-pay" || p.Clearance != "official" {
		t.Errorf("principal %+v", p)
	}
	// Wrong password and unknown user give the same answer.
	_, err1 := svc.Login(ctx, "10.0.0.1", "alice", "wrong password!!")
	_, err2 := svc.Login(ctx, "10.0.0.1", "mallory", "wrong password!!")
	if !errors.Is(err1, ErrBadCredentials) || !errors.Is(err2, ErrBadCredentials) || err1.Error() != err2.Error() {
		t.Errorf("wrong password: %v; unknown user: %v", err1, err2)
	}
}

func TestCreateUserRefusesBadInput(t *testing.T) {
	svc := newTestService(t, newTestStore(t))
	cases := []struct {
		in   NewUser
		want string
	}{
		{NewUser{Name: "bob", Password: "short"}, "at least 12"},
		{NewUser{Name: "bob smith", Password: "long enough password"}, "not allowed"},
		{NewUser{Name: "", Password: "long enough password"}, "1 to 64"},
		{NewUser{Name: "bob", Password: "long enough password", Grants: []rbac.Grant{{Role: "god"}}}, "unknown role"},
		{NewUser{Name: "bob", Password: "long enough password", Clearance: "cosmic"}, "clearance"},
	}
	for _, c := range cases {
		if _, err := svc.CreateUser(t.Context(), c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CreateUser(%+v) = %v, want %q", c.in.Name, err, c.want)
		}
	}
	if _, err := svc.CreateUser(t.Context(), NewUser{Name: "bob", Password: "long enough password"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(t.Context(), NewUser{Name: "bob", Password: "long enough password"}); err == nil {
		t.Error("a second user with the same name was created")
	}
}

func TestLockoutAfterRepeatedFailures(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	svc := newClockedService(t, newTestStore(t), c)
	ctx := t.Context()
	if _, err := svc.CreateUser(ctx, NewUser{Name: "carol", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		// Different addresses: the lock is per account, not per client.
		if _, err := svc.Login(ctx, "10.0.1."+string(rune('1'+i)), "carol", "guess"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if _, err := svc.Login(ctx, "10.0.2.1", "carol", "correct horse battery"); !errors.Is(err, ErrLocked) {
		t.Fatalf("right password on a locked account: %v, want ErrLocked", err)
	}
	c.Add(16 * time.Minute)
	if _, err := svc.Login(ctx, "10.0.2.1", "carol", "correct horse battery"); err != nil {
		t.Fatalf("after the lock ran out: %v", err)
	}
	// A success resets the count: four more failures do not lock.
	for range 4 {
		_, _ = svc.Login(ctx, "10.0.3.1", "carol", "guess")
	}
	if _, err := svc.Login(ctx, "10.0.3.1", "carol", "correct horse battery"); err != nil {
		t.Fatalf("count was not reset by the success: %v", err)
	}
}

func TestSignInRateLimitPerClientAcrossNodes(t *testing.T) {
	c := &clock{t: time.Now()}
	// Two nodes on one database share the count.
	st := newTestStore(t)
	nodes := []*Service{newClockedService(t, st, c), newClockedService(t, st, c)}
	ctx := t.Context()
	for i := range 10 {
		if _, err := nodes[i%2].Login(ctx, "192.0.2.7", "nobody"+string(rune('a'+i)), "x"); errors.Is(err, ErrRateLimited) {
			t.Fatalf("attempt %d rate limited", i+1)
		}
	}
	for i, n := range nodes {
		if _, err := n.Login(ctx, "192.0.2.7", "nobody", "x"); !errors.Is(err, ErrRateLimited) {
			t.Fatalf("attempt %d in a minute, through node %d: %v", 11+i, i, err)
		}
	}
	if _, err := nodes[0].Login(ctx, "192.0.2.8", "nobody", "x"); errors.Is(err, ErrRateLimited) {
		t.Fatal("another client was limited too")
	}
	c.Add(time.Minute)
	if _, err := nodes[1].Login(ctx, "192.0.2.7", "nobody", "x"); errors.Is(err, ErrRateLimited) {
		t.Fatal("still limited after the window")
	}
}

func TestTokens(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	st := newTestStore(t)
	svc := newClockedService(t, st, c)
	ctx := t.Context()
	if _, err := svc.CreateUser(ctx, NewUser{Name: "ci", Password: "correct horse battery",
		Grants: []rbac.Grant{{Role: rbac.Developer, Team: "team-pay"}}, Clearance: "official"}); err != nil {
		t.Fatal(err)
	}
	tok, secret, err := svc.CreateToken(ctx, NewToken{Name: "pipeline", User: "ci", TTL: 24 * time.Hour,
		Scopes: []rbac.Grant{{Role: rbac.Developer, System: "payments"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, TokenPrefix) || strings.Contains(tok.Hash, strings.TrimPrefix(secret, TokenPrefix)) {
		t.Fatalf("token %q / stored hash %q", secret, tok.Hash)
	}
	list, err := svc.Tokens(ctx, "ci")
	if err != nil || len(list) != 1 || list[0].Hash == strings.TrimPrefix(secret, TokenPrefix) {
		t.Fatalf("tokens: %+v, %v", list, err)
	}
	p, err := svc.AuthenticateToken(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	pay := rbac.Resource{System: "payments", Team: "team-pay", Classification: "official"}
	web := rbac.Resource{System: "web", Team: "team-pay", Classification: "official"}
	if !p.Allowed(rbac.PushModel, pay) || p.Allowed(rbac.PushModel, web) {
		t.Errorf("token scope: push to payments %v, to web %v (want true, false)",
			p.Allowed(rbac.PushModel, pay), p.Allowed(rbac.PushModel, web))
	}
	bad := []string{"", "rampart_", secret + "x", strings.TrimPrefix(secret, TokenPrefix), "Bearer " + secret}
	for _, b := range bad {
		if _, err := svc.AuthenticateToken(ctx, b); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("token %q accepted: %v", b, err)
		}
	}
	c.Add(25 * time.Hour)
	if _, err := svc.AuthenticateToken(ctx, secret); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("expired token accepted: %v", err)
	}
	_, secret2, err := svc.CreateToken(ctx, NewToken{Name: "second", User: "ci", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	list, _ = svc.Tokens(ctx, "ci")
	for _, tk := range list {
		if tk.Name == "second" {
			if err := svc.RevokeToken(ctx, tk.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := svc.AuthenticateToken(ctx, secret2); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("revoked token accepted: %v", err)
	}
	for _, n := range []NewToken{{Name: "", User: "ci", TTL: time.Hour}, {Name: "x", User: "ci", TTL: 400 * 24 * time.Hour},
		{Name: "x", User: "ci", TTL: time.Hour, Scopes: []rbac.Grant{{Role: rbac.RiskOwner}}}, {Name: "x", User: "ghost", TTL: time.Hour}} {
		if _, _, err := svc.CreateToken(ctx, n); err == nil {
			t.Errorf("CreateToken(%+v) succeeded", n)
		}
	}
}

func TestSessionsAndAuthenticate(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	svc := newClockedService(t, newTestStore(t), c)
	ctx := t.Context()
	u, err := svc.CreateUser(ctx, NewUser{Name: "dora", Password: "correct horse battery", Grants: []rbac.Grant{{Role: rbac.Viewer}}})
	if err != nil {
		t.Fatal(err)
	}
	cookie, err := svc.StartSession(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode || cookie.Path != "/" ||
		!strings.HasPrefix(cookie.Name, "__Host-") {
		t.Errorf("session cookie attributes: %+v", cookie)
	}
	req := httptest.NewRequest("GET", "/", nil)
	req.AddCookie(cookie)
	if p, err := svc.Authenticate(req); err != nil || p == nil || p.User != "dora" {
		t.Fatalf("session: %v %v", p, err)
	}
	anon := httptest.NewRequest("GET", "/", nil)
	if p, err := svc.Authenticate(anon); p != nil || err != nil {
		t.Errorf("anonymous request: %v %v", p, err)
	}
	basic := httptest.NewRequest("GET", "/", nil)
	basic.SetBasicAuth("dora", "correct horse battery")
	if _, err := svc.Authenticate(basic); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("basic auth is not a way in: %v", err)
	}
	c.Add(13 * time.Hour)
	if _, err := svc.Authenticate(req); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("expired session accepted: %v", err)
	}
	c.Add(-13 * time.Hour)
	clear, err := svc.EndSession(ctx, cookie.Value)
	if err != nil || clear.MaxAge >= 0 {
		t.Fatalf("end session: %+v %v", clear, err)
	}
	if _, err := svc.Authenticate(req); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("ended session accepted: %v", err)
	}
}

func TestGrantConversionRoundTrips(t *testing.T) {
	in := []rbac.Grant{{Role: rbac.CISO}, {Role: rbac.Developer, Team: "t"}, {Role: rbac.RiskOwner, System: "s"}}
	out := Grants(StoreGrants(in))
	for i := range in {
		if in[i] != out[i] {
			t.Errorf("grant %d: %v became %v", i, in[i], out[i])
		}
	}
}

func TestPasswordChange(t *testing.T) {
	svc := newTestService(t, newTestStore(t))
	ctx := t.Context()
	if _, err := svc.CreateUser(ctx, NewUser{Name: "erin", Password: "first password!!"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.ChangePassword(ctx, "c", "erin", "not the password", "second password!"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("change with a wrong current password: %v", err)
	}
	if err := svc.ChangePassword(ctx, "c", "erin", "first password!!", "short"); !errors.Is(err, ErrInvalid) {
		t.Errorf("change to a short password: %v", err)
	}
	if err := svc.ChangePassword(ctx, "c", "erin", "first password!!", "second password!"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, "c", "erin", "first password!!"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("the old password still works: %v", err)
	}
	if _, err := svc.Login(ctx, "c", "erin", "second password!"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if err := svc.SetPassword(ctx, "ghost", "long enough password"); err == nil {
		t.Error("set the password of a user who does not exist")
	}
}
