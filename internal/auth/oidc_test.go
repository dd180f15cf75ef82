package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// provider is a small real OpenID Connect issuer: discovery, JWKS, an
// authorisation endpoint that signs the user in at once, and a token
// endpoint that checks PKCE and returns RS256-signed ID tokens.
type provider struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	mu       sync.Mutex
	codes    map[string]grant
	subject  string
	username string
	// tamper, when set, changes the ID token's claims before signing.
	tamper func(map[string]any)
}

type grant struct {
	clientID, redirect, nonce, challenge string
}

func newProvider(t *testing.T) *provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{key: key, codes: map[string]grant{}, subject: "u-123", username: "olivia"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss := p.srv.URL
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss, "authorization_endpoint": iss + "/authorize", "token_endpoint": iss + "/token",
			"jwks_uri": iss + "/jwks", "response_types_supported": []string{"code"},
			"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" {
			http.Error(w, "want the code flow with PKCE S256", http.StatusBadRequest)
			return
		}
		code := rand.Text()
		p.mu.Lock()
		p.codes[code] = grant{clientID: q.Get("client_id"), redirect: q.Get("redirect_uri"), nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
		p.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := back.Query()
		v.Set("code", code)
		v.Set("state", q.Get("state"))
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p.mu.Lock()
		g, ok := p.codes[r.Form.Get("code")]
		delete(p.codes, r.Form.Get("code"))
		p.mu.Unlock()
		id, secret, _ := r.BasicAuth()
		sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
		switch {
		case !ok:
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		case id != g.clientID || secret != "s3cret" || r.Form.Get("redirect_uri") != g.redirect:
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
			http.Error(w, `{"error":"invalid_grant","error_description":"PKCE"}`, http.StatusBadRequest)
			return
		}
		claims := map[string]any{"iss": p.srv.URL, "sub": p.subject, "aud": g.clientID, "nonce": g.nonce,
			"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix(),
			"preferred_username": p.username, "email": p.username + "@example.org"}
		if p.tamper != nil {
			p.tamper(claims)
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key},
			(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		raw, err := jwt.Signed(signer).Claims(claims).Serialize()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + rand.Text(), "token_type": "Bearer",
			"expires_in": 300, "id_token": raw})
	})
	p.srv = httptest.NewTLSServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// oidcApp is a TLS app server with the OIDC flow mounted, and a browser
// that trusts both servers and keeps cookies.
func oidcApp(t *testing.T, svc *Service, p *provider, autoCreate bool) (*httptest.Server, *http.Client) {
	t.Helper()
	app := httptest.NewUnstartedServer(nil)
	app.StartTLS()
	t.Cleanup(app.Close)
	pool := x509.NewCertPool()
	pool.AddCert(p.srv.Certificate())
	pool.AddCert(app.Certificate())
	tr := p.srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	browser := &http.Client{Transport: tr}
	browser.Jar, _ = cookiejar.New(nil)

	o, err := svc.NewOIDC(t.Context(), OIDCConfig{Issuer: p.srv.URL, ClientID: "rampart", ClientSecret: "s3cret",
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
	p := newProvider(t)
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
	if len(u.Grants) != 0 || u.OIDCSubject != p.srv.URL+"|u-123" || u.PasswordHash != "" {
		t.Errorf("auto-created user: %+v (want no grants, the issuer's subject, no password)", u)
	}
	// A second sign-in finds the same user by subject, even under a new name.
	p.username = "olivia.renamed"
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
			p := newProvider(t)
			p.tamper = c.tamper
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
	p := newProvider(t)
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
