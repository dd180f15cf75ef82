package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// chromium finds a Chromium to drive; outside CI the browser test skips
// without one, in CI (CI=true) it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (CI must install it: apt-get install chromium)")
	}
	t.Skip("chromium is not installed; apt-get install chromium to run the browser test")
	return ""
}

// watch collects what must not happen in the browser: console errors and
// warnings, exceptions, failed requests and requests to any origin but the
// server's. Requests the test makes on purpose to be refused are allowed
// by path.
type watch struct {
	mu       sync.Mutex
	origin   string
	refused  map[string]bool // request URLs expected to fail with 403
	problems []string
	urls     map[network.RequestID]string
}

func (w *watch) listen(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, a.Description+string(a.Value))
			}
			w.problems = append(w.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		w.problems = append(w.problems, "exception: "+ev.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if (ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning) && !w.refused[ev.Entry.URL] {
			w.problems = append(w.problems, fmt.Sprintf("log %s: %s %s", ev.Entry.Level, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		w.urls[ev.RequestID] = ev.Request.URL
		// data: URLs are the browser's own (a date field's icon), not requests.
		if !strings.HasPrefix(ev.Request.URL, w.origin+"/") && !strings.HasPrefix(ev.Request.URL, "data:") && !w.refused[ev.Request.URL] {
			w.problems = append(w.problems, "request to another origin: "+ev.Request.URL)
		}
	case *network.EventLoadingFailed:
		if u := w.urls[ev.RequestID]; !w.refused[u] {
			w.problems = append(w.problems, fmt.Sprintf("request failed: %s: %s", u, ev.ErrorText))
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 && !w.refused[ev.Response.URL] {
			w.problems = append(w.problems, fmt.Sprintf("HTTP %d: %s", ev.Response.Status, ev.Response.URL))
		}
	}
}

func (w *watch) allowRefused(u string) {
	w.mu.Lock()
	w.refused[u] = true
	w.mu.Unlock()
}

// axeSource returns the pinned axe-core, checked against testdata/README.md.
func axeSource(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("testdata/README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("`axe.min.js` \\|[^|]*\\| [0-9.]+ \\| `([0-9a-f]{64})`").FindSubmatch(readme)
	sum := sha256.Sum256(src)
	if m == nil || hex.EncodeToString(sum[:]) != string(m[1]) {
		t.Fatalf("testdata/axe.min.js does not match the sha256 testdata/README.md records")
	}
	return string(src)
}

// axeCheck runs axe-core on the page in ctx and fails the test on any
// serious or critical violation, and checks the page fits a 390 px screen.
func axeCheck(t *testing.T, ctx context.Context, axe, page string) {
	t.Helper()
	type result struct {
		Passes int      `json:"passes"`
		Bad    []string `json:"bad"`
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[result](axe+`;
axe.run(document).then(r => ({passes: r.passes.length, bad: r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => v.impact + " " + v.id + ": " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", "))}))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	if res.Passes == 0 {
		t.Errorf("axe on %s checked nothing", page)
	}
	for _, v := range res.Bad {
		t.Errorf("axe on %s: %s", page, v)
	}
	// At 390 px (a phone) nothing but the scrolling tables is wider than the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 900)); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if wide > 390 {
		over, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > 391 && !(e.parentElement && e.parentElement.closest(".scroll")))
  .slice(0, 3).map(e => e.tagName + (e.id ? "#" + e.id : "") + " " + e.className)`))
		t.Errorf("%s at 390 px is %d px wide: %v", page, wide, over)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
}

// shoot saves a screenshot of the page in ctx at 390 and 1440 px wide into
// RAMPART_SCREENSHOTS when it is set (docs/img holds the committed ones).
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("RAMPART_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, width := range []int64{390, 1440} {
		var png []byte
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("web-%s-%d.png", name, width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)); err != nil {
		t.Fatal(err)
	}
}

// TestBrowser signs in as each role in real headless Chromium against a
// real server, on SQLite and on PostgreSQL (a throwaway cluster; skipped
// outside CI where none can start), and walks every screen.
func TestBrowser(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			browse(t, eng.URL(t))
		})
	}
}

func browse(t *testing.T, dbURL string) {
	exe := chromium(t)
	axe := axeSource(t)
	e := newEnvOn(t, dbURL)
	threat := firstThreat(t, e)
	tpath := "/systems/payments/threats/" + url.PathEscape(threat)
	mitigated := seedHistory(t, e, threat)

	// Another origin with a form that posts to the register.
	var evilForm string
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, evilForm)
	}))
	t.Cleanup(evil.Close)

	w := &watch{origin: e.srv.URL, refused: map[string]bool{evil.URL + "/": true, evil.URL + "/favicon.ico": true},
		urls: map[network.RequestID]string{}}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.DisableGPU, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1440, 900),
		chromedp.IgnoreCertErrors,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-default-apps", true), chromedp.Flag("disable-extensions", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	bctx, cancelTimeout := context.WithTimeout(bctx, 300*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(bctx); err != nil { // start the browser
		t.Fatalf("start chromium: %v", err)
	}

	// session opens a fresh incognito-like context (own cookies) for one person.
	session := func(name string) context.Context {
		t.Helper()
		ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(w.listen))
		t.Cleanup(cancel)
		do(t, ctx, "sign in as "+name,
			chromedp.Navigate(e.srv.URL+tpath),
			chromedp.WaitVisible(chromedp.ID("user")))
		axeCheck(t, ctx, axe, "sign-in")
		do(t, ctx, "sign in as "+name,
			chromedp.SendKeys(chromedp.ID("user"), name),
			chromedp.SendKeys(chromedp.ID("password"), password(name)),
			chromedp.Submit(chromedp.ID("password")),
			chromedp.WaitVisible(chromedp.ID("status")))
		axeCheck(t, ctx, axe, "threat as "+name)
		return ctx
	}
	has := func(ctx context.Context, sel string) bool {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		if err != nil {
			t.Fatalf("query %s: %v", sel, err)
		}
		return n > 0
	}

	// A developer of the team treats the threat and, designing its
	// treatment, requests an acceptance; they see no approve button and the
	// server refuses them when they post a decision anyway.
	dev := session("dev")
	if !has(dev, "#status-form") || !has(dev, "#request-form") || has(dev, "form.decide") {
		t.Fatal("developer's threat page shows the wrong actions")
	}
	do(t, dev, "developer comments",
		chromedp.SendKeys(chromedp.ID("comment"), "gateway rule drafted"),
		chromedp.Submit(chromedp.ID("comment")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	do(t, dev, "developer requests acceptance",
		chromedp.SendKeys(chromedp.ID("justification"), "compensating control at the gateway"),
		chromedp.Submit(chromedp.ID("justification")),
		chromedp.WaitVisible(chromedp.CSS(".acceptance .state")))
	if state := text(t, dev, ".acceptance .state"); state != "submitted" {
		t.Fatalf("acceptance state %q, want submitted", state)
	}
	if has(dev, "form.decide") {
		t.Fatal("the requester sees an approve button")
	}
	axeCheck(t, dev, axe, "threat with a submitted acceptance")
	accID, err := chromedp.Run(dev, chromedp.Evaluate[string](
		`document.querySelector(".acceptance").getAttribute("aria-label").replace("Acceptance ", "")`))
	if err != nil {
		t.Fatal(err)
	}
	w.allowRefused(e.srv.URL + "/acceptances/" + accID + "/approve")
	status, err := chromedp.Run(dev, chromedp.Evaluate[int](fmt.Sprintf(
		`fetch("/acceptances/%s/approve", {method: "POST", body: new URLSearchParams({version: "2"})}).then(r => r.status)`, accID),
		chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Fatalf("developer approving their own request: %d %v, want 403", status, err)
	}

	// The developer assigns an owner to threats in bulk from the register.
	do(t, dev, "bulk assign",
		chromedp.Navigate(e.srv.URL+"/threats?system=payments"), chromedp.WaitVisible(chromedp.ID("bulk")),
		chromedp.Click(chromedp.CSS(`#results input[name="t"]`)),
		chromedp.SendKeys(chromedp.ID("b-owner-name"), "dana"),
		chromedp.Click(chromedp.ID("bulk-apply")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	axeCheck(t, dev, axe, "register with bulk actions")
	if n, err := chromedp.Run(dev, chromedp.Evaluate[int](
		`[...document.querySelectorAll("#results tbody td")].filter(td => td.textContent === "dana").length`)); err != nil || n != 1 {
		t.Fatalf("after the bulk assign %d threats show owner dana (%v), want 1", n, err)
	}

	// The security lead may prepare acceptances too, and decides none; they
	// request a policy exception for the SRO.
	lee := session("lee")
	if !has(lee, "#request-form") || has(lee, "form.decide") {
		t.Fatal("security lead's threat page shows the wrong actions")
	}
	do(t, lee, "request an exception",
		chromedp.Navigate(e.srv.URL+"/exceptions"), chromedp.WaitVisible(chromedp.ID("exception-form")),
		chromedp.SendKeys(chromedp.ID("x-title"), "Legacy TLS"),
		chromedp.SendKeys(chromedp.ID("x-reason"), "vendor firmware"),
		chromedp.SendKeys(chromedp.ID("x-risk"), "downgrade"),
		chromedp.SendKeys(chromedp.ID("x-difficulties"), "no update until Q3"),
		chromedp.Click(chromedp.ID("exception-request")))
	poll(t, lee, `document.querySelector(".flash, .error") !== null`)
	if msg := text(t, lee, ".flash, .error"); !strings.Contains(msg, "submitted to the SRO") {
		t.Fatalf("requesting an exception: %q", msg)
	}
	axeCheck(t, lee, axe, "exceptions with the request form")

	// The viewer sees no write action; posting anyway is refused with 403.
	vic := session("vic")
	if has(vic, "main form") {
		t.Fatal("viewer sees a form that changes the register")
	}
	w.allowRefused(e.srv.URL + tpath + "/comments")
	status, err = chromedp.Run(vic, chromedp.Evaluate[int](fmt.Sprintf(
		`fetch(%q, {method: "POST", body: new URLSearchParams({text: "sneaky"})}).then(r => r.status)`, tpath+"/comments"),
		chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Fatalf("viewer posting a comment: %d %v, want 403", status, err)
	}
	// Nor may the viewer open the users screen or post to it directly.
	w.allowRefused(e.srv.URL + "/users")
	w.allowRefused(e.srv.URL + "/users/admin/revoke")
	for _, req := range []string{`fetch("/users")`,
		`fetch("/users/admin/revoke", {method: "POST", body: new URLSearchParams({grant: "admin", version: "1"})})`} {
		status, err = chromedp.Run(vic, chromedp.Evaluate[int](req+`.then(r => r.status)`, chromedp.EvalAwaitPromise))
		if err != nil || status != http.StatusForbidden {
			t.Fatalf("viewer %s: %d %v, want 403", req, status, err)
		}
	}
	if has(vic, `nav a[href="/users"]`) {
		t.Fatal("the viewer's navigation links the users screen")
	}

	// The admin and the CISO read everything and decide no risk; the
	// system's risk owner may decide it.
	for _, name := range []string{"admin", "cleo"} {
		ctx := session(name)
		if has(ctx, "form.decide") || has(ctx, "#status-form") || has(ctx, "#request-form") {
			t.Fatalf("%s sees a register action", name)
		}
		if name == "cleo" {
			do(t, ctx, "the CISO's policy form", chromedp.Navigate(e.srv.URL+"/policy"), chromedp.WaitVisible(chromedp.ID("policy-form")))
			axeCheck(t, ctx, axe, "policy with its form")
			// The CISO rates likelihood 1 × impact 1 medium and asks critical
			// threats to be treated in 5 days; the page shows the new policy.
			do(t, ctx, "the CISO edits the policy",
				chromedp.SetValue(chromedp.ID("p-band-1-1"), "medium"),
				chromedp.Clear(chromedp.ID("p-sla-critical")),
				chromedp.SendKeys(chromedp.ID("p-sla-critical"), "5"),
				chromedp.Click(chromedp.ID("policy-save")),
				chromedp.WaitVisible(chromedp.CSS(".flash")))
			if cell := text(t, ctx, "#policy-matrix tbody tr:first-child td:nth-of-type(1)"); cell != "medium" {
				t.Errorf("likelihood 1 × impact 1 shows %q after the edit, want medium", cell)
			}
			if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("p-sla-critical").value`)); err != nil || v != "5" {
				t.Errorf("days to treat a critical threat: %q %v after the edit, want 5", v, err)
			}
			// A refused value is shown next to its field, as typed (a 400).
			w.allowRefused(e.srv.URL + "/policy")
			do(t, ctx, "a refused policy value",
				chromedp.Clear(chromedp.ID("p-model_review_days")),
				chromedp.SendKeys(chromedp.ID("p-model_review_days"), "0"),
				chromedp.Click(chromedp.ID("policy-save")),
				chromedp.WaitVisible(chromedp.CSS("#p-model_review_days + .field-error")))
			axeCheck(t, ctx, axe, "policy with a refused value")
			if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("p-model_review_days").value`)); err != nil || v != "0" {
				t.Errorf("the refused value is shown as %q (%v), want 0 as typed", v, err)
			}
			shoot(t, ctx, "policy-refused")
		}
	}
	// The admin creates a user and grants a role on the users screen.
	adm := session("admin")
	do(t, adm, "users screen", chromedp.Navigate(e.srv.URL+"/users"), chromedp.WaitVisible(chromedp.ID("users")))
	axeCheck(t, adm, axe, "users")
	do(t, adm, "create a user",
		chromedp.SendKeys(chromedp.ID("user-name"), "nia"),
		chromedp.SendKeys(chromedp.ID("user-password"), "a long enough pass"),
		chromedp.SetValue(chromedp.ID("user-grant"), "viewer"),
		chromedp.Click(chromedp.ID("user-create")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	do(t, adm, "grant a team role",
		chromedp.SetValue(chromedp.ID("role-nia"), "developer"),
		chromedp.SendKeys(chromedp.ID("team-nia"), "team-pay"),
		chromedp.Click(chromedp.CSS(`#user-nia form.grant button`)))
	poll(t, adm, `document.querySelector(".flash") !== null && document.querySelector(".flash").textContent === "Role granted."`)
	if got := text(t, adm, "#user-nia .grants"); !strings.Contains(got, "developer@team:team-pay") || !strings.Contains(got, "viewer") {
		t.Fatalf("nia's roles after the grant: %q", got)
	}
	if !has(adm, `#team-team-pay .members li`) {
		t.Fatal("the team lists no members")
	}
	axeCheck(t, adm, axe, "users after changes")
	shoot(t, adm, "users")
	if rita := session("rita"); !has(rita, "form.decide") {
		t.Fatal("the risk owner sees no approve button")
	}

	// The SRO sees the approve button and approves.
	sam := session("sam")
	if !has(sam, "form.decide") {
		t.Fatal("the SRO sees no approve button")
	}
	axeCheck(t, sam, axe, "threat with the approve form")
	shoot(t, sam, "threat")
	do(t, sam, "approve",
		chromedp.SendKeys(chromedp.CSS("form.decide textarea"), "until the gateway rule lands"),
		chromedp.Click(chromedp.CSS("form.decide button[name=approve]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if st := text(t, sam, "#status"); st != "accepted" {
		t.Fatalf("threat status %q after approval, want accepted", st)
	}
	// Only the CISO may change the policy: the SRO's post is refused.
	status, err = chromedp.Run(sam, chromedp.Evaluate[int](
		`fetch("/policy", {method: "POST", body: new URLSearchParams({version: "1", appetite: "critical"})}).then(r => r.status)`,
		chromedp.EvalAwaitPromise))
	if err != nil || status != http.StatusForbidden {
		t.Fatalf("the SRO posting the policy: %d %v, want 403", status, err)
	}
	do(t, sam, "dashboard", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("svg.heatmap")),
		chromedp.WaitVisible(chromedp.CSS("svg#trend-chart")))
	if n, err := chromedp.Run(sam, chromedp.Evaluate[int](`document.querySelectorAll("svg#trend-chart circle").length`)); err != nil || n != historyWeeks*4 {
		t.Errorf("the trend shows %d points (%v), want one a week for each severity (%d)", n, err, historyWeeks*4)
	}
	// The table under the chart: the open risk of each week, never rising,
	// down by what the team mitigated (and the threat the SRO accepted).
	totals, err := chromedp.Run(sam, chromedp.Evaluate[[]int](`[...document.querySelectorAll("#trend-table tbody tr")]
  .map(tr => [...tr.querySelectorAll("td")].reduce((n, td) => n + Number(td.textContent), 0))`))
	if err != nil || len(totals) != historyWeeks {
		t.Fatalf("trend table: %v %v", totals, err)
	}
	for k := 1; k < len(totals); k++ {
		if totals[k] > totals[k-1] {
			t.Errorf("open risk rose from %d to %d in week %d without a new threat", totals[k-1], totals[k], k)
		}
	}
	if drop := totals[0] - totals[len(totals)-1]; drop != mitigated+1 {
		t.Errorf("the trend fell by %d over the weeks (%v), want the %d mitigated and the accepted one", drop, totals, mitigated)
	}
	axeCheck(t, sam, axe, "dashboard")
	shoot(t, sam, "dashboard")
	do(t, sam, "system", chromedp.Navigate(e.srv.URL+"/systems/payments"), chromedp.WaitVisible(chromedp.ID("results")))
	if !has(sam, `svg.diagram a[href^="#el-"]`) {
		t.Error("the system page's diagram links no element to its threats")
	}
	axeCheck(t, sam, axe, "system")
	shoot(t, sam, "system")
	do(t, sam, "register filtered with htmx",
		chromedp.Navigate(e.srv.URL+"/threats"), chromedp.WaitVisible(chromedp.ID("f-status")),
		chromedp.SetValue(chromedp.ID("f-status"), "accepted"),
		chromedp.Click(chromedp.CSS("form.filters button")))
	poll(t, sam, `document.querySelectorAll("#results tbody tr").length === 1`)
	axeCheck(t, sam, axe, "register")
	shoot(t, sam, "register")
	if loc, _ := chromedp.Run(sam, chromedp.Location()); !strings.Contains(loc, "status=accepted") {
		t.Errorf("filtered register URL %q does not keep the filter", loc)
	}

	for _, pg := range []struct{ name, path string }{{"reviews", "/reviews"}, {"review", "/reviews/1"}, {"policy", "/policy"},
		{"diff", "/systems/payments/diff"}, {"exceptions", "/exceptions"}, {"tokens", "/tokens"}} {
		do(t, sam, pg.name, chromedp.Navigate(e.srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		axeCheck(t, sam, axe, pg.name)
		shoot(t, sam, pg.name)
	}

	// A new API token's secret is shown once, on the page that made it
	// (the tokens page, the loop's last).
	do(t, sam, "create a token",
		chromedp.SendKeys(chromedp.ID("token-name"), "laptop"),
		chromedp.Click(chromedp.ID("token-create")),
		chromedp.WaitVisible(chromedp.ID("secret")))
	if sec := text(t, sam, "#secret"); !strings.HasPrefix(sec, "rampart_") {
		t.Errorf("token secret %q", sec)
	}
	axeCheck(t, sam, axe, "tokens with a new secret")

	aud := session("aud")
	do(t, aud, "verify the audit trail", chromedp.Navigate(e.srv.URL+"/audit"), chromedp.WaitVisible(chromedp.ID("verify")),
		chromedp.Click(chromedp.ID("verify")))
	poll(t, aud, `document.getElementById("verified") !== null`)
	axeCheck(t, aud, axe, "audit trail")
	shoot(t, aud, "audit")
	do(t, aud, "filter the audit trail",
		chromedp.SendKeys(chromedp.ID("f-actor"), "admin"),
		chromedp.SendKeys(chromedp.ID("f-action"), "user"),
		chromedp.Click(chromedp.ID("filter")))
	poll(t, aud, `location.search.includes("actor=admin") && document.getElementById("verify") !== null`)
	if loc, _ := chromedp.Run(aud, chromedp.Location()); !strings.Contains(loc, "actor=admin") || !strings.Contains(loc, "action=user") {
		t.Errorf("filtered audit URL %q does not keep the filter", loc)
	}
	if n, err := chromedp.Run(aud, chromedp.Evaluate[int](
		`[...document.querySelectorAll("tbody tr")].filter(tr => tr.cells[3].textContent.startsWith("user.")).length`)); err != nil || n != 2 {
		t.Errorf("filtered audit trail shows %d user entries (%v), want 2", n, err)
	}
	axeCheck(t, aud, axe, "audit trail filtered")

	// A form on another origin posting to the register is refused.
	evilForm = fmt.Sprintf(`<!doctype html><title>x</title><form method="post" action="%s/acceptances/1/reject">`+
		`<input type="hidden" name="version" value="1"><button id="go">go</button></form>`, e.srv.URL)
	w.allowRefused(e.srv.URL + "/acceptances/1/reject")
	do(t, sam, "cross-origin form",
		chromedp.Navigate(evil.URL+"/"), chromedp.Click(chromedp.ID("go")))
	poll(t, sam, `document.body !== null && document.body.innerText.includes("cross-origin request refused")`)
	do(t, sam, "after the forged post", chromedp.Navigate(e.srv.URL+tpath), chromedp.WaitVisible(chromedp.ID("status")))
	if st := text(t, sam, "#status"); st != "accepted" {
		t.Fatalf("the forged reject changed the threat: %q", st)
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.problems {
		t.Error(p)
	}
}

// historyWeeks is how many weekly points the dashboard's trend draws.
const historyWeeks = 12

// seedHistory plays the weeks after the first push as the register lives
// them: each week the sweep records the open risk (RecordRiskHistory, as
// the hourly sweep does), then the team mitigates the most severe open
// threats (two a week, then one) through the register, and the clock
// moves on a week. The browser then walks the register on the last of
// these days, so the dashboard's trend has a record for every week. keep
// is a threat left open for the test's own steps. It returns how many
// threats were mitigated.
func seedHistory(t *testing.T, e *env, keep string) int {
	t.Helper()
	ctx := context.Background()
	mitigated := 0
	for week := range historyWeeks - 1 {
		if err := e.reg.RecordRiskHistory(ctx); err != nil {
			t.Fatal(err)
		}
		ts, err := e.reg.Store().SystemThreats(ctx, "payments")
		if err != nil {
			t.Fatal(err)
		}
		ts = slices.DeleteFunc(ts, func(th store.Threat) bool { return th.Status != "open" || th.Gone || th.ID == keep })
		slices.SortStableFunc(ts, func(a, b store.Threat) int { return b.Risk.Severity.Rank() - a.Risk.Severity.Rank() })
		n := 1
		if week < 5 {
			n = 2
		}
		done := model.TreatmentStatus("mitigated")
		for _, th := range ts[:min(n, len(ts))] {
			if _, err := e.reg.UpdateThreat(ctx, register.Actor{Name: "dev"}, "payments", th.ID, th.Version,
				register.ThreatPatch{Status: &done, Comment: "fixed in the week's release"}); err != nil {
				t.Fatal(err)
			}
			mitigated++
		}
		e.clock.Add(7 * 24 * time.Hour)
	}
	return mitigated
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).innerText`, sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// poll waits until expr holds, across a navigation the last step started
// (a poll cut short by the page going away is tried again).
func poll(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(5*time.Second)))
		if err == nil {
			return
		}
		if time.Now().After(deadline) || !(strings.Contains(err.Error(), "navigated") || strings.Contains(err.Error(), "context")) {
			t.Fatalf("wait for %s: %v", expr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
