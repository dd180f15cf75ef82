package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/store"
)

// The authorisation table: every endpoint, every role, the status each
// gets. Updates carry a stale If-Match, so a caller who passes the role
// check is stopped by the version check (412) and changes nothing; one who
// does not pass gets 403. Anonymous callers get 401 everywhere.
//
// Readers of payments (official): admin, ciso, sam (SRO), lee (security lead
// of team-pay), rita (its risk owner), dev (team-pay), vic (viewer), audrey
// (auditor); not outsider (another team) nor nobody (no grant).
const readers = "admin ciso sam lee rita dev vic audrey"

// everyone is every signed-in user (lists filter instead of refusing).
const everyone = readers + " outsider nobody"

// alertReaders read payments' alerts: security roles, auditors and its team.
const alertReaders = "admin ciso sam lee dev audrey"

type authzCase struct {
	op, method, path string
	body             func(user string) any
	// ok is the status of the users in who; everyone else signed in gets deny (default 403).
	ok   int
	who  string
	deny int
	// anon is the status of anonymous callers (default 401).
	anon int
}

func authzTable(ids map[string]string) []authzCase {
	th := "/api/v1/systems/payments/threats/" + url.PathEscape("missing-hardening@db")
	note := func(string) any { return map[string]any{"note": "x"} }
	return []authzCase{
		{op: "me", method: "GET", path: "/api/v1/me", ok: 200, who: everyone},
		// Ending no session is harmless: anonymous callers get the cookie-clearing answer too.
		{op: "logout", method: "POST", path: "/api/v1/auth/logout", ok: 204, who: everyone, anon: 204},
		// With a wrong current password: refused for everyone, changing nothing.
		{op: "change-password", method: "POST", path: "/api/v1/me/password", ok: 403, who: everyone,
			body: func(string) any { return map[string]any{"current": "wrong", "new": "long enough password"} }},
		{op: "list-systems", method: "GET", path: "/api/v1/systems", ok: 200, who: everyone},
		{op: "create-system", method: "POST", path: "/api/v1/systems", ok: 201, who: "admin ciso",
			body: func(u string) any { return map[string]any{"id": "sys-" + u, "name": "S", "owner_team": "team-pay"} }},
		{op: "get-system", method: "GET", path: "/api/v1/systems/payments", ok: 200, who: readers},
		{op: "update-system", method: "PUT", path: "/api/v1/systems/payments", ok: 412, who: "admin ciso",
			body: func(string) any { return map[string]any{"name": "Payments", "owner_team": "team-pay"} }},
		{op: "export-system", method: "GET", path: "/api/v1/systems/payments/export", ok: 200, who: readers},
		{op: "push-version", method: "POST", path: "/api/v1/systems/payments/versions", ok: 201, who: "lee dev"},
		{op: "list-versions", method: "GET", path: "/api/v1/systems/payments/versions", ok: 200, who: readers},
		{op: "get-version", method: "GET", path: "/api/v1/systems/payments/versions/1", ok: 200, who: readers},
		{op: "get-version-analysis", method: "GET", path: "/api/v1/systems/payments/versions/1/analysis", ok: 200, who: readers},
		{op: "get-version-model", method: "GET", path: "/api/v1/systems/payments/versions/1/model", ok: 200, who: readers},
		{op: "diff-versions", method: "GET", path: "/api/v1/systems/payments/diff?from=1", ok: 200, who: readers},
		{op: "list-threats", method: "GET", path: "/api/v1/systems/payments/threats", ok: 200, who: readers},
		{op: "get-threat", method: "GET", path: th, ok: 200, who: readers},
		{op: "update-threat", method: "PATCH", path: th, ok: 412, who: "sam lee rita dev",
			body: func(string) any { return map[string]any{"owner": "x"} }},
		{op: "comment-threat", method: "POST", path: th + "/comments", ok: 201, who: "sam lee rita dev",
			body: func(string) any { return map[string]any{"text": "seen"} }},
		{op: "threat-history", method: "GET", path: th + "/history", ok: 200, who: readers},
		{op: "get-decisions", method: "GET", path: "/api/v1/systems/payments/decisions", ok: 200, who: readers},
		{op: "request-acceptance", method: "POST", path: "/api/v1/systems/payments/acceptances", ok: 201, who: "lee dev",
			body: func(string) any {
				return map[string]any{"threats": []string{"missing-hardening@api"}, "justification": "j", "expires": "2027-01-31"}
			}},
		{op: "list-acceptances", method: "GET", path: "/api/v1/acceptances", ok: 200, who: everyone},
		{op: "get-acceptance", method: "GET", path: "/api/v1/acceptances/" + ids["acceptance"], ok: 200, who: readers},
		{op: "submit-acceptance", method: "POST", path: "/api/v1/acceptances/" + ids["acceptance"] + "/submit", ok: 412, who: "lee dev", body: note},
		{op: "approve-acceptance", method: "POST", path: "/api/v1/acceptances/" + ids["acceptance"] + "/approve", ok: 412, who: "sam rita", body: note},
		{op: "reject-acceptance", method: "POST", path: "/api/v1/acceptances/" + ids["acceptance"] + "/reject", ok: 412, who: "sam rita", body: note},
		{op: "revoke-acceptance", method: "POST", path: "/api/v1/acceptances/" + ids["acceptance"] + "/revoke", ok: 412, who: "sam rita", body: note},
		{op: "confirm-acceptance", method: "POST", path: "/api/v1/acceptances/" + ids["acceptance"] + "/confirm", ok: 412, who: "sam rita", body: note},
		{op: "request-exception", method: "POST", path: "/api/v1/systems/payments/exceptions", ok: 201, who: "lee",
			body: func(string) any {
				return map[string]any{"title": "t", "reason": "r", "risk": "k", "mitigations": []string{}, "difficulties": "d", "review_date": "2027-01-31"}
			}},
		{op: "list-exceptions", method: "GET", path: "/api/v1/exceptions", ok: 200, who: everyone},
		{op: "get-exception", method: "GET", path: "/api/v1/exceptions/" + ids["exception"], ok: 200, who: readers},
		{op: "submit-exception", method: "POST", path: "/api/v1/exceptions/" + ids["exception"] + "/submit", ok: 412, who: "lee", body: note},
		{op: "approve-exception", method: "POST", path: "/api/v1/exceptions/" + ids["exception"] + "/approve", ok: 412, who: "sam", body: note},
		{op: "reject-exception", method: "POST", path: "/api/v1/exceptions/" + ids["exception"] + "/reject", ok: 412, who: "sam", body: note},
		{op: "revoke-exception", method: "POST", path: "/api/v1/exceptions/" + ids["exception"] + "/revoke", ok: 412, who: "sam", body: note},
		{op: "renew-exception", method: "POST", path: "/api/v1/exceptions/" + ids["exception"] + "/renew", ok: 412, who: "sam",
			body: func(string) any { return map[string]any{"review_date": "2027-06-30"} }},
		{op: "review-changes", method: "GET", path: "/api/v1/reviews/" + ids["review"] + "/changes", ok: 200, who: readers},
		{op: "list-reviews", method: "GET", path: "/api/v1/reviews", ok: 200, who: everyone},
		{op: "get-review", method: "GET", path: "/api/v1/reviews/" + ids["review"], ok: 200, who: readers},
		{op: "complete-review", method: "POST", path: "/api/v1/reviews/" + ids["review"] + "/complete", ok: 412, who: "sam", body: note},
		{op: "list-overdue", method: "GET", path: "/api/v1/overdue", ok: 200, who: everyone},
		{op: "get-policy", method: "GET", path: "/api/v1/policy", ok: 200, who: readers + " outsider"},
		{op: "put-policy", method: "PUT", path: "/api/v1/policy", ok: 412, who: "ciso",
			body: func(string) any { return store.DefaultPolicy() }},
		{op: "list-users", method: "GET", path: "/api/v1/users", ok: 200, who: "admin"},
		{op: "create-user", method: "POST", path: "/api/v1/users", ok: 201, who: "admin",
			body: func(u string) any { return map[string]any{"name": "made-by-" + u, "password": "long enough password"} }},
		{op: "update-user", method: "PUT", path: "/api/v1/users/vic", ok: 412, who: "admin",
			body: func(string) any { return map[string]any{"grants": []string{"viewer"}} }},
		{op: "list-tokens", method: "GET", path: "/api/v1/tokens", ok: 200, who: everyone},
		{op: "create-token", method: "POST", path: "/api/v1/tokens", ok: 201, who: everyone,
			body: func(string) any { return map[string]any{"name": "extra"} }},
		// Revoking a token: its owner (vic) or an admin; to others it does not exist.
		{op: "revoke-token", method: "DELETE", path: "/api/v1/tokens/" + ids["token"], ok: 204, who: "admin vic", deny: 404},
		{op: "export-audit", method: "GET", path: "/api/v1/audit", ok: 200, who: "admin audrey"},
		{op: "verify-audit", method: "GET", path: "/api/v1/audit/verify", ok: 200, who: "admin audrey"},
		// Alerts: a list of what the caller may read, for everyone; one
		// system's or one alert for its alert readers.
		{op: "list-alerts", method: "GET", path: "/api/v1/alerts", ok: 200, who: everyone},
		{op: "list-alerts", method: "GET", path: "/api/v1/alerts?system=payments", ok: 200, who: alertReaders},
		{op: "get-alert", method: "GET", path: "/api/v1/alerts/" + ids["alert"], ok: 200, who: alertReaders},
		// Only the shipper may send events (none of the users above).
		{op: "ingest-events", method: "POST", path: "/api/v1/systems/payments/events", ok: 503, who: "shipper",
			body: func(string) any { return "{\"EventID\":1}\n" }},
	}
}

func TestAuthorisationTable(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp()
		ids := map[string]string{}
		var acc store.Acceptance
		e.must(201, "lee", "POST", "/api/v1/systems/payments/acceptances", map[string]any{
			"threats": []string{"missing-hardening@db"}, "justification": "j", "expires": "2027-01-31"}).json(t, &acc)
		ids["acceptance"] = fmt.Sprint(acc.ID)
		var ex store.Exception
		e.must(201, "lee", "POST", "/api/v1/systems/payments/exceptions", map[string]any{"title": "t", "reason": "r", "risk": "k",
			"mitigations": []string{}, "difficulties": "d", "review_date": "2027-01-31"}).json(t, &ex)
		ids["exception"] = fmt.Sprint(ex.ID)
		var rl struct{ Items []store.Review }
		e.must(200, "sam", "GET", "/api/v1/reviews", nil).json(t, &rl)
		ids["review"] = fmt.Sprint(rl.Items[0].ID)
		var tl struct{ Items []store.Token }
		e.must(200, "vic", "GET", "/api/v1/tokens", nil).json(t, &tl)
		ids["token"] = fmt.Sprint(tl.Items[0].ID)
		if _, err := e.reg.RecordAlerts(context.Background(), []store.AlertOccurrence{{Fingerprint: "f", At: e.clock.Now(),
			Alert: store.Alert{SystemID: "payments", Title: "cmd", Kind: "detection"}}}); err != nil {
			t.Fatal(err)
		}
		al, err := e.st.ListAlerts(context.Background(), store.AlertFilter{SystemID: "payments"})
		if err != nil || len(al) != 1 {
			t.Fatalf("alerts %v: %v", al, err)
		}
		ids["alert"] = fmt.Sprint(al[0].ID)

		users := strings.Fields(everyone)
		slices.Sort(users)
		users = slices.DeleteFunc(users, func(u string) bool { return u == "vic" })
		users = append(users, "vic") // last: the table revokes one of vic's tokens, not the one vic calls with
		e.tokens["vic"] = e.must(201, "vic", "POST", "/api/v1/tokens", map[string]any{"name": "table"}).jsonField(t, "secret")

		covered := map[string]bool{}
		for _, c := range authzTable(ids) {
			covered[c.op] = true
			allowed := strings.Fields(c.who)
			for _, u := range append([]string{""}, users...) {
				want := cmpOr(c.deny, http.StatusForbidden)
				switch {
				case u == "":
					want = cmpOr(c.anon, http.StatusUnauthorized)
				case slices.Contains(allowed, u):
					want = c.ok
				}
				var body any
				switch {
				case c.body != nil:
					body = c.body(u)
				case c.op == "push-version":
					body = paymentsModel(t)
				}
				var hdr []string
				if c.ok == http.StatusPreconditionFailed {
					hdr = []string{"If-Match", `"999"`}
				}
				r := e.call(u, c.method, c.path, body, hdr...)
				if r.status != want {
					t.Errorf("%s as %q: %d, want %d: %.200s", c.op, u, r.status, want, r.body)
				}
			}
		}
		// Every operation in the OpenAPI document is in the table (login is
		// tested on its own: it is the only anonymous one).
		var doc struct {
			Paths map[string]map[string]struct {
				OperationID string `json:"operationId"`
			} `json:"paths"`
		}
		e.must(200, "", "GET", "/api/v1/openapi.json", nil).json(t, &doc)
		for p, ops := range doc.Paths {
			for m, o := range ops {
				if !covered[o.OperationID] && o.OperationID != "login" {
					t.Errorf("%s %s (%s) is not in the authorisation table", strings.ToUpper(m), p, o.OperationID)
				}
			}
		}
	})
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}
