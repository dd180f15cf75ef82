package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestAuditFilters filters the trail page by actor, kind and time, keeps the
// filter in the form, the verify button and the URL, and refuses bad bounds
// on the page and the API alike.
func TestAuditFilters(t *testing.T) {
	e := newEnv(t)
	admin := e.browser()
	admin.signIn("admin")
	if a := admin.do("POST", "/users", url.Values{"name": {"nia"}, "password": {"a long enough pass"}}); a.status != http.StatusSeeOther {
		t.Fatalf("create nia: %d", a.status)
	}
	aud := e.browser()
	aud.signIn("aud")
	rows := regexp.MustCompile(`<tr><td>\d+</td><td>[^<]*</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>`)
	cases := []struct {
		query string
		want  func(actor, action, object string) bool
		min   int
	}{
		{"actor=admin", func(a, _, _ string) bool { return a == "admin" }, 2},
		{"action=user", func(_, ac, _ string) bool { return strings.HasPrefix(ac, "user.") }, 1},
		{"object=system%2Fpayments", func(_, _, o string) bool { return o == "system/payments" || strings.HasPrefix(o, "system/payments/") }, 2},
		{"actor=admin&action=user.create&from=2026-12-01&to=2026-12-01", func(a, ac, o string) bool {
			return a == "admin" && ac == "user.create" && o == "user/nia"
		}, 1},
		{"from=2026-12-02", nil, 0},
	}
	for _, c := range cases {
		a := aud.do("GET", "/audit?"+c.query, nil)
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", c.query, a.status, a.body)
		}
		ms := rows.FindAllStringSubmatch(a.body, -1)
		if len(ms) < c.min || c.min == 0 && len(ms) != 0 {
			t.Fatalf("%s: %d rows, want at least %d", c.query, len(ms), c.min)
		}
		for _, m := range ms {
			if !c.want(m[1], m[2], m[3]) {
				t.Fatalf("%s: row %v does not match", c.query, m[1:])
			}
		}
		q, _ := url.ParseQuery(c.query)
		for k, vs := range q {
			if !strings.Contains(a.body, `name="`+k+`" value="`+vs[0]+`"`) {
				t.Fatalf("%s: the page does not keep %s=%s in its forms", c.query, k, vs[0])
			}
		}
	}
	a := aud.do("GET", "/audit?actor=admin&verify=1", nil)
	if !strings.Contains(a.body, `id="verified"`) || !strings.Contains(a.body, `id="f-actor" name="actor" value="admin"`) {
		t.Fatal("verifying the chain lost the filter or did not report")
	}
	if a := aud.do("GET", "/audit?from=yesterday", nil); a.status != http.StatusBadRequest || !strings.Contains(a.body, "RFC 3339") {
		t.Fatalf("bad from on the page: %d", a.status)
	}
	e.api("aud", "GET", "/api/v1/audit?from=yesterday", nil, http.StatusUnprocessableEntity)
	e.api("vic", "GET", "/api/v1/audit?actor=admin", nil, http.StatusForbidden)
	if got := auditActions(t, e, "user/nia"); len(got) != 1 || got[0] != "user.create" {
		t.Fatalf("API audit filtered by object = %v", got)
	}
}
