package main

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/auth/oidctest"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// TestServeSignsInThroughOIDC runs `rampart serve` with its OIDC settings
// (flags, the client secret from the environment) against a local TLS
// issuer, and signs in as a browser would: the code flow with PKCE, the
// cookies in a jar, redirects followed, landing signed in. A user the
// register does not know, and a token for another audience, are refused.
func TestServeSignsInThroughOIDC(t *testing.T) {
	p := oidctest.New(t)
	db := storetest.SQLite(t)
	t.Setenv("RAMPART_ADMIN_PASSWORD", "an admin password for the test")
	if code, out, errOut := runCLI(t, "user", "add", "olivia", "--db", db, "--role", "viewer",
		"--oidc-issuer", p.URL(), "--oidc-subject", "u-123"); code != 0 || !strings.Contains(out, "signs in through "+p.URL()) || strings.Contains(out, "password:") {
		t.Fatalf("user add with an OIDC identity: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "user", "add", "x", "--db", db, "--oidc-subject", "u-1"); code != exitUsage || !strings.Contains(errOut, "go together") {
		t.Errorf("--oidc-subject without --oidc-issuer: %d %s", code, errOut)
	}

	// The redirect URL is fixed at start, so the port is chosen first; the
	// browser uses localhost, which cookie jars treat as secure like https.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	base := "http://localhost:" + port
	t.Setenv("RAMPART_OIDC_CLIENT_SECRET", oidctest.ClientSecret)
	n := startServe(t, "--db", db, "--listen", "127.0.0.1:"+port, "--base-url", base,
		"--oidc-issuer", p.URL(), "--oidc-client-id", "rampart", "--oidc-ca-file", p.CAFile(t))

	browser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Transport: p.Transport(), Jar: jar}
	}
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		res, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}

	b := browser()
	if code, body := get(b, "/auth/oidc/login"); code != http.StatusOK {
		t.Fatalf("sign-in through the provider: %d %.300s\n%s", code, body, n.stderr)
	}
	if code, body := get(b, "/api/v1/me"); code != http.StatusOK || !strings.Contains(body, `"user":"olivia"`) || !strings.Contains(body, "viewer") {
		t.Fatalf("after the OIDC sign-in, /api/v1/me: %d %s", code, body)
	}

	refusals := []struct {
		name   string
		change func()
		want   string
	}{
		{"a user the register does not know", func() { p.SetUser("u-999", "mallory") }, "no local user is linked"},
		{"a token for another audience", func() {
			p.SetUser("u-123", "olivia")
			p.SetTamper(func(c map[string]any) { c["aud"] = "someone-else" })
		}, "audience"},
	}
	for _, r := range refusals {
		r.change()
		b := browser()
		if code, body := get(b, "/auth/oidc/login"); code != http.StatusUnauthorized || !strings.Contains(body, r.want) {
			t.Errorf("%s: %d %.300s, want 401 saying %q", r.name, code, body, r.want)
		}
		if code, _ := get(b, "/api/v1/me"); code != http.StatusUnauthorized {
			t.Errorf("%s: a session was left (/api/v1/me: %d)", r.name, code)
		}
	}

	// OIDC settings that cannot work stop serve with a usage error.
	for _, args := range [][]string{
		{"--oidc-issuer", p.URL(), "--oidc-client-id", "rampart"},
		{"--oidc-issuer", p.URL(), "--oidc-client-id", "rampart", "--base-url", base, "--oidc-ca-file", db},
	} {
		code, _, errOut := runCLI(t, append([]string{"serve", "--db", db, "--listen", "127.0.0.1:0"}, args...)...)
		if code != exitUsage {
			t.Errorf("serve %v: exit %d, want %d: %s", args, code, exitUsage, errOut)
		}
	}
}
