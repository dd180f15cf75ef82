package auth

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/auth/oidctest"
)

// oidcApp is a TLS app server with the OIDC flow mounted, and a browser
// that trusts both servers and keeps cookies.
func oidcApp(t *testing.T, svc *Service, p *oidctest.Provider, autoCreate bool) (*httptest.Server, *http.Client) {
	t.Helper()
	app := httptest.NewUnstartedServer(nil)
	app.StartTLS()
	t.Cleanup(app.Close)
	tr := p.Transport(app.Certificate())
	browser := &http.Client{Transport: tr}
	browser.Jar, _ = cookiejar.New(nil)

	o, err := svc.NewOIDC(t.Context(), OIDCConfig{Issuer: p.URL(), ClientID: "rampart", ClientSecret: oidctest.ClientSecret,
		RedirectURL: app.URL + "/auth/oidc/callback", AutoCreate: autoCreate}, &http.Client{Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth/oidc/login", o.Begin)
	mux.HandleFunc("GET /auth/oidc/callback", func(w http.ResponseWriter, r *http.Request) {
		u, err := o.Finish(w, r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		c, err := svc.StartSession(r.Context(), u)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.SetCookie(w, c)
		w.Write([]byte("signed in as " + u.Name))
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		p, err := svc.Authenticate(r)
		if err != nil || p == nil {
			http.Error(w, "anonymous", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(p.User))
	})
	app.Config.Handler = mux
	return app, browser
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestOIDCSignInAgainstALocalProvider(t *testing.T) {
	st := newTestStore(t)
	svc := newTestService(t, st)
	p := oidctest.New(t)
	app, browser := oidcApp(t, svc, p, true)

	code, body := get(t, browser, app.URL+"/auth/oidc/login")
	if code != http.StatusOK || body != "signed in as olivia" {
		t.Fatalf("sign-in: %d %q", code, body)
	}
	if code, body := get(t, browser, app.URL+"/whoami"); code != http.StatusOK || body != "olivia" {
		t.Fatalf("session after OIDC sign-in: %d %q", code, body)
	}
	u, err := st.GetUserByName(t.Context(), "olivia")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Grants) != 0 || u.OIDCSubject != p.URL()+"|u-123" || u.PasswordHash != "" {
		t.Errorf("auto-created user: %+v (want no grants, the issuer's subject, no password)", u)
	}
	// A second sign-in finds the same user by subject, even under a new name.
	p.SetUser("u-123", "olivia.renamed")
	browser.Jar, _ = cookiejar.New(nil)
	if code, body := get(t, browser, app.URL+"/auth/oidc/login"); code != http.StatusOK || body != "signed in as olivia" {
		t.Fatalf("second sign-in: %d %q", code, body)
	}
}

func TestOIDCRefusesBadTokensAndUnknownUsers(t *testing.T) {
	cases := []struct {
		name       string
		tamper     func(map[string]any)
		autoCreate bool
		want       string
	}{
		{"wrong audience", func(c map[string]any) { c["aud"] = "someone-else" }, true, "audience"},
		{"expired", func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, true, "expired"},
		{"wrong nonce", func(c map[string]any) { c["nonce"] = "replayed" }, true, "nonce"},
		{"wrong issuer", func(c map[string]any) { c["iss"] = "https://evil.example" }, true, "different provider"},
		{"no linked user", nil, false, "no local user is linked"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svc := newTestService(t, newTestStore(t))
			p := oidctest.New(t)
			p.SetTamper(c.tamper)
			app, browser := oidcApp(t, svc, p, c.autoCreate)
			code, body := get(t, browser, app.URL+"/auth/oidc/login")
			if code != http.StatusUnauthorized || !strings.Contains(body, c.want) {
				t.Errorf("got %d %q, want 401 mentioning %q", code, body, c.want)
			}
			if code, _ := get(t, browser, app.URL+"/whoami"); code != http.StatusUnauthorized {
				t.Errorf("a refused sign-in left a session (%d)", code)
			}
		})
	}
}

func TestOIDCCallbackNeedsTheBrowsersState(t *testing.T) {
	svc := newTestService(t, newTestStore(t))
	p := oidctest.New(t)
	app, browser := oidcApp(t, svc, p, true)
	// A callback the browser did not start (login CSRF) has no flow cookie.
	code, body := get(t, browser, app.URL+"/auth/oidc/callback?code=x&state=y")
	if code != http.StatusUnauthorized || !strings.Contains(body, "no sign-in in progress") {
		t.Errorf("forged callback: %d %q", code, body)
	}
	// With the cookie but another state, it is refused too.
	noRedirect := *browser
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if code, _ := get(t, &noRedirect, app.URL+"/auth/oidc/login"); code != http.StatusFound {
		t.Fatalf("login did not redirect: %d", code)
	}
	code, body = get(t, browser, app.URL+"/auth/oidc/callback?code=x&state=forged")
	if code != http.StatusUnauthorized || !strings.Contains(body, "state does not match") {
		t.Errorf("wrong state: %d %q", code, body)
	}
}
