package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/auth"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/engine"
	"github.com/rampart-sec/rampart/internal/store/storetest"
	"github.com/rampart-sec/rampart/internal/web"
)

// TestTokensScreen creates a scoped token, uses it on the API, and
// revokes it; nobody else sees or revokes it.
func TestTokensScreen(t *testing.T) {
	e := newEnv(t)
	lee := e.browser()
	lee.signIn("lee")
	if page := lee.do("GET", "/", nil).body; !strings.Contains(page, `href="/tokens"`) {
		t.Fatal("no API tokens link in the navigation")
	}
	a := lee.do("POST", "/tokens", url.Values{"name": {"pipeline"}, "days": {"30"}, "scope": {"security-lead@team:team-pay"}})
	if a.status != http.StatusCreated {
		t.Fatalf("create token: %d %s", a.status, a.body)
	}
	m := regexp.MustCompile(`<code id="secret">([^<]+)</code>`).FindStringSubmatch(a.body)
	if m == nil {
		t.Fatal("the new token's secret is not shown")
	}
	secret := m[1]
	if page := lee.do("GET", "/tokens", nil).body; strings.Contains(page, secret) || !strings.Contains(page, "security-lead@team:team-pay") ||
		!strings.Contains(page, "2026-12-31") {
		t.Fatal("the token list shows the secret again, or lacks the scope or expiry")
	}
	api := func(secret string) int {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		res, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := api(secret); st != http.StatusOK {
		t.Fatalf("the new token on the API: %d", st)
	}
	for _, bad := range []url.Values{
		{"name": {"x"}, "days": {"400"}},
		{"name": {"x"}, "days": {"30"}, "scope": {"admin"}},
		{"name": {""}, "days": {"30"}},
	} {
		if a := lee.do("POST", "/tokens", bad); a.status != http.StatusBadRequest {
			t.Errorf("create token %v: %d, want 400", bad, a.status)
		}
	}
	id := regexp.MustCompile(`action="/tokens/([0-9]+)/revoke"`).FindStringSubmatch(lee.do("GET", "/tokens", nil).body)
	if id == nil {
		t.Fatal("no revoke form")
	}
	vic := e.browser()
	vic.signIn("vic")
	if page := vic.do("GET", "/tokens", nil).body; strings.Contains(page, "pipeline") {
		t.Error("another user sees the token")
	}
	if a := vic.do("POST", "/tokens/"+id[1]+"/revoke", url.Values{}); a.status != http.StatusNotFound {
		t.Errorf("another user revoking: %d, want 404", a.status)
	}
	if a := lee.do("POST", "/tokens/"+id[1]+"/revoke", url.Values{}); a.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	if st := api(secret); st != http.StatusUnauthorized {
		t.Errorf("a revoked token on the API: %d, want 401", st)
	}
	if page := lee.do("GET", "/tokens", nil).body; !strings.Contains(page, `<td class="state">revoked</td>`) {
		t.Error("the revoked token is not shown as revoked")
	}
	aud := e.browser()
	aud.signIn("aud")
	if trail := aud.do("GET", "/audit", nil).body; !strings.Contains(trail, "token.create") || !strings.Contains(trail, "token.revoke") {
		t.Error("the audit trail lacks the token's creation or revocation")
	}
}

// TestOIDCButton checks the sign-in page offers single sign-on only when
// the server has an OpenID Connect provider.
func TestOIDCButton(t *testing.T) {
	ctx := context.Background()
	st, err := engine.Open(ctx, storetest.SQLite(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	authn, err := auth.New(st, auth.Options{Params: fast, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	reg := register.New(st, register.WithLogger(quiet))
	for _, oidc := range []bool{false, true} {
		rec := httptest.NewRecorder()
		web.New(reg, authn, web.Options{Logger: quiet, OIDC: oidc}).ServeHTTP(rec, httptest.NewRequest("GET", "/signin", nil))
		if got := strings.Contains(rec.Body.String(), `href="/auth/oidc/login"`); got != oidc {
			t.Errorf("OIDC %v: sign-in page offers single sign-on: %v", oidc, got)
		}
	}
}
