package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/server"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

func modelClass(s string) model.Classification { return model.Classification(s) }

func paymentsModel(t testing.TB) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/payments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// paymentsThreats is how many threats the analysis finds in the payments
// model, which a first push stores as new.
func paymentsThreats(t testing.TB) int {
	t.Helper()
	m, ps, err := model.LoadBytes(t.Context(), "payments.yaml", paymentsModel(t), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("payments model: %v %v", err, ps.Errors())
	}
	return len(analysis.Analyze(m, analysis.Options{}).Findings)
}

// paymentsSeverity counts the payments model's findings whose residual risk
// has severity sev, as the register stores them.
func paymentsSeverity(t testing.TB, sev model.Severity) int {
	t.Helper()
	m, ps, err := model.LoadBytes(t.Context(), "payments.yaml", paymentsModel(t), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("payments model: %v %v", err, ps.Errors())
	}
	n := 0
	for _, f := range analysis.Analyze(m, analysis.Options{}).Findings {
		if f.Residual.Severity == sev {
			n++
		}
	}
	return n
}

// setUp pushes the payments model as dev and makes rita its risk owner and
// sam its SRO, as an admin does after a team's first push.
func (e *env) setUp() register.Pushed {
	e.t.Helper()
	var pushed register.Pushed
	e.must(http.StatusCreated, "dev", "POST", "/api/v1/systems/payments/versions?ref=abc123", paymentsModel(e.t)).json(e.t, &pushed)
	r := e.must(http.StatusOK, "admin", "GET", "/api/v1/systems/payments", nil)
	e.must(http.StatusOK, "admin", "PUT", "/api/v1/systems/payments", map[string]any{
		"name": "Payments", "owner_team": "team-pay", "risk_owner": "rita", "sro": "sam", "classification": "official", "tier": "tier-1",
	}, "If-Match", r.header.Get("ETag"))
	return pushed
}

func (e *env) threat(id string) (store.Threat, string) {
	e.t.Helper()
	var th store.Threat
	r := e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/threats/"+url.PathEscape(id), nil)
	r.json(e.t, &th)
	return th, r.header.Get("ETag")
}

func TestPushAndSystems(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		p := e.setUp()
		n := paymentsThreats(t)
		if p.Version.Seq != 1 || p.Version.Threats != n || p.Version.New != n || !p.Created || p.Version.PushedBy != "dev" || p.Version.Ref != "abc123" {
			t.Fatalf("first push: %+v", p.Version)
		}
		if p.Review.ID == 0 || p.Review.Due != "2026-12-22" {
			t.Errorf("the push opened review %+v, want one due in 21 days", p.Review)
		}

		// Lists show only what the caller may read.
		var list server.List[store.System]
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems", nil).json(t, &list)
		if list.Total != 1 || list.Items[0].RiskOwner != "rita" || list.Items[0].SRO != "sam" {
			t.Errorf("viewer's systems: %+v", list)
		}
		e.must(http.StatusOK, "outsider", "GET", "/api/v1/systems", nil).json(t, &list)
		if list.Total != 0 {
			t.Errorf("another team's developer sees %d systems", list.Total)
		}
		e.must(http.StatusOK, "dev", "GET", "/api/v1/systems?team=team-pay&sort=-name&q=pay", nil).json(t, &list)
		if list.Total != 1 {
			t.Errorf("filtered list: %+v", list)
		}
		e.must(http.StatusForbidden, "outsider", "GET", "/api/v1/systems/payments", nil)

		// Clearance: raising the classification above vic's clearance hides it from vic.
		r := e.must(http.StatusOK, "admin", "GET", "/api/v1/systems/payments", nil)
		r = e.must(http.StatusOK, "admin", "PUT", "/api/v1/systems/payments", map[string]any{
			"name": "Payments", "owner_team": "team-pay", "risk_owner": "rita", "sro": "sam", "classification": "official-sensitive",
		}, "If-Match", r.header.Get("ETag"))
		if e.call("vic", "GET", "/api/v1/systems/payments", nil).status != http.StatusForbidden {
			t.Error("a viewer cleared for official reads an official-sensitive system")
		}
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems", nil).json(t, &list)
		if list.Total != 0 {
			t.Error("the list still shows the system above the viewer's clearance")
		}
		// A stale write gets 412 with the current state; nothing is lost.
		stale := e.must(http.StatusPreconditionFailed, "admin", "PUT", "/api/v1/systems/payments", map[string]any{
			"name": "Renamed", "classification": "official"}, "If-Match", `"1"`)
		var sp struct {
			CurrentETag string       `json:"current_etag"`
			Current     store.System `json:"current"`
		}
		stale.json(t, &sp)
		if sp.Current.Classification != "official-sensitive" || sp.CurrentETag != r.header.Get("ETag") || stale.header.Get("ETag") != sp.CurrentETag {
			t.Errorf("412 body %s, ETag %q (current %q)", stale.body, stale.header.Get("ETag"), r.header.Get("ETag"))
		}
		if ct := stale.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Errorf("412 content type %q", ct)
		}
		e.must(http.StatusPreconditionRequired, "admin", "PUT", "/api/v1/systems/payments", map[string]any{"name": "x"})

		// Versions: list, one, its analysis and source; a second push and the diff.
		var vs server.List[store.ModelVersion]
		e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/versions", nil).json(t, &vs)
		if vs.Total != 1 {
			t.Fatalf("versions: %+v", vs)
		}
		src := e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/versions/1/model", nil)
		if !bytes.Equal(src.body, paymentsModel(t)) {
			t.Error("the stored source differs from the pushed file")
		}
		var an struct {
			Threats []json.RawMessage `json:"threats"`
		}
		e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/versions/1/analysis", nil).json(t, &an)
		if len(an.Threats) != n {
			t.Errorf("stored analysis has %d threats", len(an.Threats))
		}
		v2 := strings.Replace(string(paymentsModel(t)), "flows:\n", `  - id: admin
    type: web-application
    internet_facing: true
    admin_interface: true
    processes: [card-data]
flows:
`, 1)
		var p2 register.Pushed
		e.must(http.StatusCreated, "lee", "POST", "/api/v1/systems/payments/versions", []byte(v2)).json(t, &p2)
		if p2.Version.Seq != 2 || p2.Version.New == 0 || p2.Version.PushedBy != "lee" {
			t.Errorf("second push: %+v", p2.Version)
		}
		var d struct {
			Elements []struct{ Type, ID, Change string } `json:"elements"`
			Threats  []struct{ ID, Change string }       `json:"threats"`
		}
		e.must(http.StatusForbidden, "vic", "GET", "/api/v1/systems/payments/diff?from=1", nil) // above vic's clearance now
		e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/diff?from=1&to=2", nil).json(t, &d)
		if len(d.Elements) != 1 || d.Elements[0].ID != "admin" || d.Elements[0].Change != "added" ||
			len(d.Threats) != p2.Version.New+p2.Version.Gone+p2.Version.Changed {
			t.Errorf("diff 1→2: %+v", d)
		}
		e.must(http.StatusNotFound, "dev", "GET", "/api/v1/systems/payments/versions/9", nil)
	})
}

func TestPushRefusesInvalidModelsWithTheCLIsProblems(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	bad := strings.Replace(string(paymentsModel(t)), "from: web\n", "from: wbe\n", 1)
	r := e.must(http.StatusUnprocessableEntity, "dev", "POST", "/api/v1/systems/payments/versions", []byte(bad))
	var p server.ModelProblem
	r.json(t, &p)
	// The same loader, so the same problem the CLI prints: position, path, hint.
	m, problems, err := server.LoadPushed(t.Context(), "payments.yaml", []byte(bad))
	if err != nil || m == nil {
		t.Fatal(err)
	}
	want := problems.Errors()
	if len(p.Problems) != len(want) || len(want) == 0 || p.Problems[0].String() != want[0].String() {
		t.Fatalf("server problems %v, loader problems %v", p.Problems, want)
	}
	if !strings.Contains(p.Problems[0].String(), "payments.yaml:") || !strings.Contains(p.Problems[0].Hint, "web") {
		t.Errorf("problem without position or hint: %s", p.Problems[0])
	}
	if r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("content type %q", r.header.Get("Content-Type"))
	}
	e.must(http.StatusUnprocessableEntity, "dev", "POST", "/api/v1/systems/other/versions", paymentsModel(t))
	e.must(http.StatusBadRequest, "dev", "POST", "/api/v1/systems/payments/versions", []byte{})
	withInclude := "includes: [secrets.yaml]\n" + string(paymentsModel(t))
	r = e.must(http.StatusUnprocessableEntity, "dev", "POST", "/api/v1/systems/payments/versions", []byte(withInclude))
	if !strings.Contains(string(r.body), "includes are not read on the server") {
		t.Errorf("include: %s", r.body)
	}
	// Nothing was stored by the refusals.
	e.must(http.StatusNotFound, "dev", "GET", "/api/v1/systems/payments", nil)
}

func TestRegisterWorkflow(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp()
		const a, b = "missing-authentication@web-to-api", "missing-authentication@api-to-db"

		// Filtered, sorted, paged lists.
		var ts server.List[store.Threat]
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems/payments/threats?severity=high&sort=id&limit=2", nil).json(t, &ts)
		if nh := paymentsSeverity(t, "high"); nh < 3 || ts.Total != nh || len(ts.Items) != 2 || ts.Items[0].ID > ts.Items[1].ID || ts.Items[0].Risk.Severity != "high" {
			t.Errorf("high threats page: total %d, %+v", ts.Total, ts.Items)
		}
		n := paymentsThreats(t)
		e.must(http.StatusOK, "vic", "GET", fmt.Sprintf("/api/v1/systems/payments/threats?limit=5&offset=%d", n-2), nil).json(t, &ts)
		if ts.Total != n || len(ts.Items) != 2 {
			t.Errorf("last page: total %d, %d items", ts.Total, len(ts.Items))
		}
		e.must(http.StatusUnprocessableEntity, "vic", "GET", "/api/v1/systems/payments/threats?severity=huge", nil)
		// A repeated filter means any of its values: none is dropped.
		var crit, high, both server.List[store.Threat]
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems/payments/threats?severity=critical", nil).json(t, &crit)
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems/payments/threats?severity=high", nil).json(t, &high)
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems/payments/threats?severity=critical&severity=high&status=open&status=mitigating", nil).json(t, &both)
		if crit.Total == 0 || high.Total == 0 || both.Total != crit.Total+high.Total {
			t.Errorf("severity=critical&severity=high: total %d, want %d + %d", both.Total, crit.Total, high.Total)
		}

		// Status, owner and due date, with If-Match.
		th, tag := e.threat(a)
		if th.Status != "open" || th.Due == "" {
			t.Fatalf("new threat %+v: want open with a due date from the SLA", th)
		}
		r := e.must(http.StatusOK, "dev", "PATCH", "/api/v1/systems/payments/threats/"+url.PathEscape(a),
			map[string]any{"status": "mitigating", "owner": "dev", "comment": "adding mTLS"}, "If-Match", tag)
		r.json(t, &th)
		if th.Status != "mitigating" || th.Owner != "dev" || r.header.Get("ETag") == tag {
			t.Errorf("after update: %+v, ETag %s", th, r.header.Get("ETag"))
		}
		stale := e.must(http.StatusPreconditionFailed, "lee", "PATCH", "/api/v1/systems/payments/threats/"+url.PathEscape(a),
			map[string]any{"owner": "lee"}, "If-Match", tag)
		var cur struct{ Current store.Threat }
		stale.json(t, &cur)
		if cur.Current.Owner != "dev" || cur.Current.Status != "mitigating" {
			t.Errorf("412 current: %+v", cur.Current)
		}
		e.must(http.StatusUnprocessableEntity, "dev", "PATCH", "/api/v1/systems/payments/threats/"+url.PathEscape(a),
			map[string]any{"status": "accepted"}, "If-Match", r.header.Get("ETag"))
		e.must(http.StatusCreated, "dev", "POST", "/api/v1/systems/payments/threats/"+url.PathEscape(a)+"/comments", map[string]any{"text": "PR #42"})
		var hist server.List[store.ThreatEvent]
		e.must(http.StatusOK, "vic", "GET", "/api/v1/systems/payments/threats/"+url.PathEscape(a)+"/history", nil).json(t, &hist)
		texts := ""
		for _, ev := range hist.Items {
			texts += ev.Kind + ":" + ev.Text + " | "
		}
		if !strings.Contains(texts, "PR #42") || !strings.Contains(texts, "adding mTLS") {
			t.Errorf("history: %s", texts)
		}

		// Bulk acceptance: prepared by the security lead, decided by the risk owner.
		var acc store.Acceptance
		r = e.must(http.StatusCreated, "lee", "POST", "/api/v1/systems/payments/acceptances", map[string]any{
			"threats": []string{a, b}, "justification": "network isolated; compensating controls", "expires": "2027-03-01", "submit": true})
		r.json(t, &acc)
		if acc.State != store.AcceptanceSubmitted || len(acc.Threats) != 2 || acc.RequestedBy != "lee" {
			t.Fatalf("acceptance: %+v", acc)
		}
		path := fmt.Sprintf("/api/v1/acceptances/%d", acc.ID)
		e.must(http.StatusForbidden, "lee", "POST", path+"/approve", map[string]any{"note": "self"}, "If-Match", r.header.Get("ETag"))
		e.must(http.StatusForbidden, "ciso", "POST", path+"/approve", nil, "If-Match", r.header.Get("ETag"))
		r = e.must(http.StatusOK, "rita", "POST", path+"/approve", map[string]any{"note": "agreed until Q1"}, "If-Match", r.header.Get("ETag"))
		r.json(t, &acc)
		if acc.State != store.AcceptanceAccepted || acc.DecidedBy != "rita" {
			t.Fatalf("approved: %+v", acc)
		}
		e.must(http.StatusConflict, "rita", "POST", path+"/approve", nil, "If-Match", r.header.Get("ETag"))
		if th, _ := e.threat(b); th.Status != "accepted" || th.AcceptanceID != acc.ID {
			t.Errorf("accepted threat: %+v", th)
		}
		var dec server.Decisions
		e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/decisions", nil).json(t, &dec)
		found := map[string]server.Decision{}
		for _, d := range dec.Decisions {
			found[d.Threat] = d
		}
		if d := found[b]; d.Status != "accepted" || d.AcceptedBy != "rita" || d.Expires != "2027-03-01" || d.Justification == "" {
			t.Errorf("decision for %s: %+v", b, d)
		}
		var al server.List[store.Acceptance]
		e.must(http.StatusOK, "vic", "GET", "/api/v1/acceptances?state=accepted&system=payments", nil).json(t, &al)
		if al.Total != 1 {
			t.Errorf("accepted list: %+v", al)
		}
		e.must(http.StatusOK, "outsider", "GET", "/api/v1/acceptances", nil).json(t, &al)
		if al.Total != 0 {
			t.Errorf("outsider sees %d acceptances", al.Total)
		}
		r = e.must(http.StatusOK, "sam", "POST", path+"/revoke", map[string]any{"note": "new finding"}, "If-Match", r.header.Get("ETag"))
		if th, _ := e.threat(b); th.Status != "open" {
			t.Errorf("after revocation %s is %s, want open", b, th.Status)
		}

		// Policy exceptions: requested by the security lead, approved by the SRO.
		var ex store.Exception
		r = e.must(http.StatusCreated, "lee", "POST", "/api/v1/systems/payments/exceptions", map[string]any{
			"title": "No pen test before launch", "reason": "supplier slot in Q1", "risk": "unknown flaws ship",
			"mitigations": []string{"external pen test"}, "difficulties": "budget", "review_date": "2027-02-01", "submit": true})
		r.json(t, &ex)
		xpath := fmt.Sprintf("/api/v1/exceptions/%d", ex.ID)
		e.must(http.StatusForbidden, "rita", "POST", xpath+"/approve", nil, "If-Match", r.header.Get("ETag"))
		r = e.must(http.StatusOK, "sam", "POST", xpath+"/approve", nil, "If-Match", r.header.Get("ETag"))
		r.json(t, &ex)
		if ex.State != store.ExceptionApproved || ex.DecidedBy != "sam" {
			t.Errorf("exception: %+v", ex)
		}
		r = e.must(http.StatusOK, "sam", "POST", xpath+"/renew", map[string]any{"review_date": "2027-02-01", "note": "still needed"},
			"If-Match", r.header.Get("ETag"))

		// Reviews: the push opened one; the SRO completes it.
		var rl server.List[store.Review]
		e.must(http.StatusOK, "vic", "GET", "/api/v1/reviews?system=payments&state=open", nil).json(t, &rl)
		if rl.Total == 0 {
			t.Fatal("no open review after a push")
		}
		rpath := fmt.Sprintf("/api/v1/reviews/%d", rl.Items[0].ID)
		var chs server.List[store.VersionChange]
		e.must(http.StatusOK, "vic", "GET", rpath+"/changes", nil).json(t, &chs)
		if chs.Total != n {
			t.Errorf("the first review starts from %d changes, want the %d new threats", chs.Total, n)
		}
		r = e.must(http.StatusOK, "vic", "GET", rpath, nil)
		e.must(http.StatusForbidden, "lee", "POST", rpath+"/complete", nil, "If-Match", r.header.Get("ETag"))
		e.must(http.StatusOK, "sam", "POST", rpath+"/complete", map[string]any{"note": "reviewed in the workshop"}, "If-Match", r.header.Get("ETag"))

		// Overdue: months later, open treatments and the exception's review are past their dates.
		e.clock.Add(200 * 24 * time.Hour)
		var od server.Overdue
		e.must(http.StatusOK, "vic", "GET", "/api/v1/overdue", nil).json(t, &od)
		if len(od.Treatments) == 0 || len(od.Exceptions) != 1 {
			t.Errorf("overdue: %d treatments, %d exceptions", len(od.Treatments), len(od.Exceptions))
		}
		e.must(http.StatusOK, "outsider", "GET", "/api/v1/overdue", nil).json(t, &od)
		if len(od.Treatments)+len(od.Exceptions)+len(od.Reviews)+len(od.Acceptances) != 0 {
			t.Error("overdue lists leak another team's system")
		}
	})
}

func TestSeparationOfDutiesThroughTheAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.setUp()
	// rita is also made a security lead of the team, so roles alone would
	// let her both prepare and decide; the register forbids deciding her own.
	r := e.must(http.StatusOK, "admin", "GET", "/api/v1/users", nil)
	var users server.List[store.User]
	r.json(t, &users)
	var rita store.User
	for _, u := range users.Items {
		if u.Name == "rita" {
			rita = u
		}
	}
	e.must(http.StatusOK, "admin", "PUT", "/api/v1/users/rita", map[string]any{
		"grants": []string{"risk-owner@system:payments", "security-lead@team:team-pay"}, "clearance": "official-sensitive"},
		"If-Match", fmt.Sprintf(`"%d"`, rita.Version))
	var acc store.Acceptance
	r = e.must(http.StatusCreated, "rita", "POST", "/api/v1/systems/payments/acceptances", map[string]any{
		"threats": []string{"missing-hardening@db"}, "justification": "patched monthly", "expires": "2027-01-31", "submit": true})
	r.json(t, &acc)
	path := fmt.Sprintf("/api/v1/acceptances/%d", acc.ID)
	deny := e.must(http.StatusForbidden, "rita", "POST", path+"/approve", nil, "If-Match", r.header.Get("ETag"))
	if !strings.Contains(string(deny.body), "rita") {
		t.Errorf("refusal does not say why: %s", deny.body)
	}
	e.must(http.StatusOK, "sam", "POST", path+"/approve", nil, "If-Match", r.header.Get("ETag"))
}

func TestPolicyUsersTokensAndAudit(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp()
		r := e.must(http.StatusOK, "vic", "GET", "/api/v1/policy", nil)
		var pol store.Policy
		r.json(t, &pol)
		pol.SROReviewDays = 14
		e.must(http.StatusForbidden, "sam", "PUT", "/api/v1/policy", pol, "If-Match", r.header.Get("ETag"))
		r = e.must(http.StatusOK, "ciso", "PUT", "/api/v1/policy", pol, "If-Match", r.header.Get("ETag"))
		r.json(t, &pol)
		if pol.SROReviewDays != 14 || pol.UpdatedBy != "ciso" {
			t.Errorf("policy: %+v", pol)
		}

		// Users: admins only; new users get nothing beyond their grants.
		e.must(http.StatusForbidden, "ciso", "POST", "/api/v1/users", map[string]any{"name": "x", "password": "long enough password"})
		e.must(http.StatusCreated, "admin", "POST", "/api/v1/users", map[string]any{"name": "newbie", "password": "long enough password",
			"grants": []string{"viewer@team:team-pay"}, "clearance": "official"})
		e.must(http.StatusConflict, "admin", "POST", "/api/v1/users", map[string]any{"name": "newbie", "password": "long enough password"})
		bad := e.must(http.StatusUnprocessableEntity, "admin", "POST", "/api/v1/users", map[string]any{"name": "x", "password": "long enough password",
			"grants": []string{"risk-owner"}})
		if !strings.Contains(string(bad.body), "body.grants[0]") {
			t.Errorf("grant refusal without its location: %s", bad.body)
		}

		// Sign-in with a password gives a session cookie that works.
		login := e.must(http.StatusOK, "", "POST", "/api/v1/auth/login", map[string]any{"user": "newbie", "password": "long enough password"})
		cookie := login.header.Get("Set-Cookie")
		if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "Secure") || !strings.Contains(cookie, "SameSite=Strict") {
			t.Errorf("session cookie %q", cookie)
		}
		me := e.must(http.StatusOK, "", "GET", "/api/v1/me", nil, "Cookie", strings.Split(cookie, ";")[0])
		if !strings.Contains(string(me.body), `"user":"newbie"`) {
			t.Errorf("me: %s", me.body)
		}
		e.must(http.StatusUnauthorized, "", "POST", "/api/v1/auth/login", map[string]any{"user": "newbie", "password": "wrong password"})
		sess := strings.Split(cookie, ";")[0]
		e.must(http.StatusNoContent, "", "POST", "/api/v1/me/password", map[string]any{"current": "long enough password", "new": "a better passphrase"},
			"Cookie", sess)
		e.must(http.StatusOK, "", "POST", "/api/v1/auth/login", map[string]any{"user": "newbie", "password": "a better passphrase"})
		// A browser on another origin cannot change anything with that cookie.
		e.must(http.StatusForbidden, "", "POST", "/api/v1/auth/logout", nil, "Cookie", strings.Split(cookie, ";")[0],
			"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")

		// Tokens: shown once, scoped, revocable.
		var nt server.NewTokenOutput
		e.must(http.StatusCreated, "dev", "POST", "/api/v1/tokens", map[string]any{"name": "ci", "days": 30,
			"scopes": []string{"developer@system:payments"}}).json(t, &nt)
		if !strings.HasPrefix(nt.Secret, "rampart_") {
			t.Fatalf("token: %+v", nt)
		}
		e.tokens["dev-ci"] = nt.Secret
		e.must(http.StatusOK, "dev-ci", "GET", "/api/v1/systems/payments", nil)
		e.must(http.StatusForbidden, "dev-ci", "POST", "/api/v1/tokens", map[string]any{"name": "more"})
		var tl server.List[store.Token]
		e.must(http.StatusOK, "dev", "GET", "/api/v1/tokens", nil).json(t, &tl)
		if tl.Total != 2 || strings.Contains(string(e.call("dev", "GET", "/api/v1/tokens", nil).body), strings.TrimPrefix(nt.Secret, "rampart_")) {
			t.Errorf("tokens: %+v", tl)
		}
		e.must(http.StatusNotFound, "vic", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), nil)
		e.must(http.StatusNoContent, "dev", "DELETE", fmt.Sprintf("/api/v1/tokens/%d", nt.Token.ID), nil)
		e.must(http.StatusUnauthorized, "dev-ci", "GET", "/api/v1/systems/payments", nil)

		// Audit: JSON lines, verified, redacted on request.
		e.must(http.StatusForbidden, "ciso", "GET", "/api/v1/audit", nil)
		lines := e.must(http.StatusOK, "audrey", "GET", "/api/v1/audit", nil)
		n := bytes.Count(lines.body, []byte("\n"))
		if n < 5 || !bytes.Contains(lines.body, []byte(`"actor":"ciso"`)) || !bytes.Contains(lines.body, []byte(`"prev_hash"`)) {
			t.Errorf("audit export (%d lines): %.400s", n, lines.body)
		}
		red := e.must(http.StatusOK, "audrey", "GET", "/api/v1/audit?redact=true", nil)
		if bytes.Contains(red.body, []byte(`"actor":"ciso"`)) || bytes.Count(red.body, []byte("\n")) != n {
			t.Errorf("redacted export: %.300s", red.body)
		}
		var rep server.AuditReport
		e.must(http.StatusOK, "audrey", "GET", "/api/v1/audit/verify", nil).json(t, &rep)
		if !rep.OK || rep.Entries != int64(n) {
			t.Errorf("verify: %+v (export had %d)", rep, n)
		}
		// System export: redacted unless the caller may and asks otherwise.
		exp := e.must(http.StatusOK, "vic", "GET", "/api/v1/systems/payments/export", nil)
		if bytes.Contains(exp.body, []byte("rita")) || !bytes.Contains(exp.body, []byte(`"redacted":true`)) {
			t.Errorf("redacted system export names the risk owner: %.300s", exp.body)
		}
		e.must(http.StatusForbidden, "vic", "GET", "/api/v1/systems/payments/export?redact=false", nil)
		full := e.must(http.StatusOK, "ciso", "GET", "/api/v1/systems/payments/export?redact=false", nil)
		if !bytes.Contains(full.body, []byte("rita")) {
			t.Error("unredacted export lost the risk owner")
		}
	})
}

// TestAcceptanceExpiresAndTheThreatReopens drives the clock past an
// acceptance's expiry: the sweep (a periodic job on a live server) expires
// it, its threat re-opens and the decisions the gate reads say so; a
// renewal is a new acceptance, decided afresh.
func TestAcceptanceExpiresAndTheThreatReopens(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp()
		const th = "missing-hardening@db"
		var acc store.Acceptance
		r := e.must(http.StatusCreated, "lee", "POST", "/api/v1/systems/payments/acceptances", map[string]any{
			"threats": []string{th}, "justification": "patched monthly", "expires": "2026-12-31", "submit": true})
		r.json(t, &acc)
		e.must(http.StatusOK, "rita", "POST", fmt.Sprintf("/api/v1/acceptances/%d/approve", acc.ID), nil, "If-Match", r.header.Get("ETag"))
		decided := func() server.Decision {
			var d server.Decisions
			e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/decisions", nil).json(t, &d)
			for _, x := range d.Decisions {
				if x.Threat == th {
					return x
				}
			}
			return server.Decision{}
		}
		if d := decided(); d.Status != "accepted" || d.Expires != "2026-12-31" {
			t.Fatalf("before expiry: %+v", d)
		}
		// Within the warning period it still holds.
		e.clock.Add(20 * 24 * time.Hour) // 2026-12-21
		if _, err := e.reg.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if th, _ := e.threat(th); th.Status != "accepted" {
			t.Errorf("before expiry the threat is %s", th.Status)
		}
		e.clock.Add(12 * 24 * time.Hour) // 2027-01-02
		if _, err := e.reg.Sweep(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.threat(th); got.Status != "open" {
			t.Errorf("after expiry the threat is %s, want open", got.Status)
		}
		if d := decided(); d.Status == "accepted" {
			t.Errorf("the gate still reads an accepted risk after expiry: %+v", d)
		}
		var a store.Acceptance
		e.must(http.StatusOK, "vic", "GET", fmt.Sprintf("/api/v1/acceptances/%d", acc.ID), nil).json(t, &a)
		if a.State != store.AcceptanceExpired {
			t.Errorf("acceptance state %s, want expired", a.State)
		}
		// Extending it is a new request, decided again.
		var renewal store.Acceptance
		e.must(http.StatusCreated, "lee", "POST", "/api/v1/systems/payments/acceptances", map[string]any{
			"extends": acc.ID, "justification": "still patched monthly", "expires": "2027-03-31"}).json(t, &renewal)
		if renewal.State != store.AcceptanceDraft || renewal.Extends != acc.ID || len(renewal.Threats) != 1 {
			t.Errorf("renewal: %+v", renewal)
		}
	})
}

// TestConcurrentPushesOfOneSystem: pushes carry no precondition, so
// concurrent pushes of one system all land, one after another, whether the
// system exists already or the first of them creates it.
func TestConcurrentPushesOfOneSystem(t *testing.T) {
	engines(t, func(t *testing.T, db string) {
		e := newEnv(t, db)
		e.setUp()
		fresh := strings.Replace(string(paymentsModel(t)), "  id: payments\n", "  id: payments-eu\n", 1)
		for _, c := range []struct {
			system  string
			model   []byte
			minimum int
		}{{"payments", paymentsModel(t), 2}, {"payments-eu", []byte(fresh), 1}} {
			const n = 6
			var wg sync.WaitGroup
			codes := make([]int, n)
			seqs := make([]int, n)
			for i := range n {
				wg.Go(func() {
					r := e.call("dev", "POST", "/api/v1/systems/"+c.system+"/versions", c.model)
					codes[i] = r.status
					var p register.Pushed
					_ = json.Unmarshal(r.body, &p)
					seqs[i] = p.Version.Seq
				})
			}
			wg.Wait()
			seen := map[int]bool{}
			for i := range n {
				if codes[i] != http.StatusCreated || seen[seqs[i]] || seqs[i] < c.minimum {
					t.Errorf("%s push %d: %d, version %d (all: %v %v)", c.system, i, codes[i], seqs[i], codes, seqs)
				}
				seen[seqs[i]] = true
			}
		}
	})
}
