package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// userVersion reads the version a users page's forms carry for name.
func userVersion(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`action="/users/` + regexp.QuoteMeta(name) + `/grant" class="grant">\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no version for %s on the users page", name)
	}
	return m[1]
}

// auditActions lists the trail's actions on object, as the API exports them.
func auditActions(t *testing.T, e *env, object string) []string {
	t.Helper()
	res, err := http.NewRequest("GET", e.srv.URL+"/api/v1/audit?object="+url.QueryEscape(object), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Header.Set("Authorization", "Bearer "+e.tokens["aud"])
	r, err := e.srv.Client().Do(res)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var out []string
	dec := json.NewDecoder(r.Body)
	for dec.More() {
		var line struct{ Action, Object string }
		if err := dec.Decode(&line); err != nil {
			t.Fatal(err)
		}
		if line.Object != object {
			t.Fatalf("filtered export for %s holds %s", object, line.Object)
		}
		out = append(out, line.Action)
	}
	return out
}

// TestUsersScreen walks the admin's changes through the forms, each one
// recorded, and checks every other role is refused the page and the posts.
func TestUsersScreen(t *testing.T) {
	e := newEnv(t)
	admin := e.browser()
	admin.signIn("admin")
	page := admin.do("GET", "/users", nil)
	if page.status != http.StatusOK || !strings.Contains(page.body, `href="/users"`) ||
		!strings.Contains(page.body, "developer@team:team-pay") || !strings.Contains(page.body, `id="team-team-pay"`) ||
		!strings.Contains(page.body, `href="/systems/payments"`) {
		t.Fatalf("users page: %d, missing users, grants or the team", page.status)
	}

	steps := []struct {
		name   string
		path   string
		form   url.Values
		status int
		flash  string
	}{
		{"create", "/users", url.Values{"name": {"nia"}, "password": {"a long enough pass"}, "grant": {"viewer"}, "clearance": {"official"}}, http.StatusSeeOther, "user-created"},
		{"create again", "/users", url.Values{"name": {"nia"}, "password": {"a long enough pass"}}, http.StatusConflict, ""},
		{"short password", "/users", url.Values{"name": {"ned"}, "password": {"short"}}, http.StatusUnprocessableEntity, ""},
		{"bad grant", "/users", url.Values{"name": {"ned"}, "password": {"a long enough pass"}, "grant": {"developer"}}, http.StatusBadRequest, ""},
		{"grant on a team", "/users/nia/grant", url.Values{"role": {"developer"}, "team": {"team-pay"}}, http.StatusSeeOther, "granted"},
		{"revoke", "/users/nia/revoke", url.Values{"grant": {"viewer"}}, http.StatusSeeOther, "revoked-grant"},
		{"add member to a new team", "/teams/members", url.Values{"user": {"nia"}, "role": {"security-lead"}, "team": {"team-eu"}}, http.StatusSeeOther, "member-added"},
		{"disable", "/users/nia/disable", url.Values{}, http.StatusSeeOther, "disabled"},
		{"enable", "/users/nia/enable", url.Values{}, http.StatusSeeOther, "enabled"},
		{"admin demotes self", "/users/admin/revoke", url.Values{"grant": {"admin"}}, http.StatusConflict, ""},
		{"admin disables self", "/users/admin/disable", url.Values{}, http.StatusConflict, ""},
		{"no such change", "/users/nia/promote", url.Values{}, http.StatusNotFound, ""},
	}
	for _, s := range steps {
		if strings.HasPrefix(s.path, "/users/") {
			name := strings.Split(s.path, "/")[2]
			s.form.Set("version", userVersion(t, admin.do("GET", "/users", nil).body, name))
		}
		a := admin.do("POST", s.path, s.form)
		if a.status != s.status {
			t.Fatalf("%s: %d, want %d: %s", s.name, a.status, s.status, a.body)
		}
		if s.flash != "" && !strings.HasPrefix(a.header.Get("Location"), "/users?done="+s.flash) {
			t.Fatalf("%s: redirected to %q", s.name, a.header.Get("Location"))
		}
	}
	page = admin.do("GET", "/users", nil)
	row := page.body[strings.Index(page.body, `id="user-nia"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "developer@team:team-pay") || !strings.Contains(row, "security-lead@team:team-eu") ||
		strings.Contains(row, "<li>viewer") || !strings.Contains(row, "active") {
		t.Fatalf("nia's row after the changes: %s", row)
	}
	if own := page.body[strings.Index(page.body, `id="user-admin"`):]; strings.Contains(own[:strings.Index(own, "</tr>")], "/users/admin/disable") {
		t.Fatal("the admin is offered to disable their own account")
	}
	if !strings.Contains(page.body, `id="team-team-eu"`) {
		t.Fatal("the new team is not listed")
	}
	want := []string{"user.create", "user.update", "user.update", "user.update", "user.update", "user.update"}
	if got := auditActions(t, e, "user/nia"); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("audit of nia = %v, want %v", got, want)
	}

	// A stale form changes nothing.
	if a := admin.do("POST", "/users/nia/disable", url.Values{"version": {"1"}}); a.status != http.StatusConflict {
		t.Fatalf("stale form: %d", a.status)
	}
	// A cross-site post is refused before it reaches the screen.
	if a := admin.do("POST", "/users/nia/disable", url.Values{"version": {"1"}}, "Origin", "https://evil.example",
		"Sec-Fetch-Site", "cross-site"); a.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", a.status)
	}

	for name := range people {
		if name == "admin" {
			continue
		}
		b := e.browser()
		b.signIn(name)
		if strings.Contains(b.do("GET", "/", nil).body, `href="/users"`) {
			t.Errorf("%s sees the users link", name)
		}
		if a := b.do("GET", "/users", nil); a.status != http.StatusForbidden {
			t.Errorf("%s GET /users: %d", name, a.status)
		}
		for _, path := range []string{"/users", "/users/admin/revoke", "/users/nia/grant", "/teams/members"} {
			a := b.do("POST", path, url.Values{"name": {"x" + name}, "password": {"a long enough pass"}, "grant": {"admin"},
				"role": {"admin"}, "user": {name}, "team": {"t"}, "version": {"1"}})
			if a.status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", name, path, a.status)
			}
		}
	}
}

// TestLastAdminKeepsTheRole: a second admin may demote the first, but the
// one left cannot demote or disable themselves.
func TestLastAdminKeepsTheRole(t *testing.T) {
	e := newEnv(t)
	admin := e.browser()
	admin.signIn("admin")
	if a := admin.do("POST", "/users", url.Values{"name": {"ann"}, "password": {"ann's long password"}, "grant": {"admin"}}); a.status != http.StatusSeeOther {
		t.Fatalf("create ann: %d %s", a.status, a.body)
	}
	ann := e.browser()
	ann.do("POST", "/signin", url.Values{"user": {"ann"}, "password": {"ann's long password"}, "next": {"/"}})
	v := userVersion(t, ann.do("GET", "/users", nil).body, "admin")
	if a := ann.do("POST", "/users/admin/revoke", url.Values{"grant": {"admin"}, "version": {v}}); a.status != http.StatusSeeOther {
		t.Fatalf("ann demotes admin: %d %s", a.status, a.body)
	}
	page := ann.do("GET", "/users", nil).body
	for _, change := range []string{"revoke", "disable"} {
		a := ann.do("POST", "/users/ann/"+change, url.Values{"grant": {"admin"}, "version": {userVersion(t, page, "ann")}})
		if a.status != http.StatusConflict {
			t.Fatalf("ann %s self: %d", change, a.status)
		}
	}
	// The demoted admin's token lost the role on the API too.
	e.api("admin", "PUT", "/api/v1/users/ann", []byte(`{"grants":["viewer"]}`), http.StatusForbidden, "If-Match", `"1"`)
}
