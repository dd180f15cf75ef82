package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestExceptionsScreen: a security lead requests a policy exception, the
// SRO approves it; nobody else may request or decide.
func TestExceptionsScreen(t *testing.T) {
	e := newEnv(t)
	req := url.Values{"system": {"payments"}, "title": {"Legacy TLS on the card terminal link"}, "reason": {"vendor firmware"},
		"risk": {"downgrade of the terminal link"}, "mitigations": {"TLS 1.3 only\n\nmutual TLS"}, "difficulties": {"no update until Q3"},
		"review_date": {"2027-06-30"}}
	dev, vic, lee, sam := e.browser(), e.browser(), e.browser(), e.browser()
	for name, b := range map[string]*browser{"dev": dev, "vic": vic, "lee": lee, "sam": sam} {
		b.signIn(name)
	}
	for name, b := range map[string]*browser{"developer": dev, "viewer": vic} {
		if page := b.do("GET", "/exceptions", nil).body; strings.Contains(page, `id="exception-form"`) {
			t.Errorf("%s sees the request form", name)
		}
		if a := b.do("POST", "/exceptions", req); a.status != http.StatusForbidden {
			t.Errorf("%s requesting an exception: %d, want 403", name, a.status)
		}
	}
	if a := lee.do("POST", "/exceptions", req); a.status != http.StatusSeeOther {
		t.Fatalf("security lead requests: %d %s", a.status, a.body)
	}
	page := lee.do("GET", "/exceptions?done=exception-requested", nil).body
	if !strings.Contains(page, "Exception requested and submitted to the SRO.") {
		t.Error("no confirmation after the request")
	}
	if !strings.Contains(page, "Legacy TLS on the card terminal link") || !strings.Contains(page, `<strong class="state">submitted</strong>`) ||
		!strings.Contains(page, "TLS 1.3 only, mutual TLS") || strings.Contains(page, "Approve exception") {
		t.Fatal("the requester's exceptions page is wrong")
	}
	m := regexp.MustCompile(`action="/exceptions/([0-9]+)/approve" class="decide-exception">\s*<input type="hidden" name="version" value="([0-9]+)">`).
		FindStringSubmatch(sam.do("GET", "/exceptions", nil).body)
	if m == nil {
		t.Fatal("the SRO sees no decision form")
	}
	for name, b := range map[string]*browser{"security lead (the requester)": lee, "viewer": vic} {
		if a := b.do("POST", "/exceptions/"+m[1]+"/approve", url.Values{"version": {m[2]}}); a.status != http.StatusForbidden {
			t.Errorf("%s approving: %d, want 403", name, a.status)
		}
	}
	if a := sam.do("POST", "/exceptions/"+m[1]+"/approve", url.Values{"version": {m[2]}, "note": {"until the firmware lands"}}); a.status != http.StatusSeeOther {
		t.Fatalf("SRO approves: %d %s", a.status, a.body)
	}
	if page := vic.do("GET", "/exceptions", nil).body; !strings.Contains(page, `<strong class="state">approved</strong>`) ||
		!strings.Contains(page, "until the firmware lands") {
		t.Error("the approved exception is not shown as approved")
	}
	bad := url.Values{}
	for k, v := range req {
		bad[k] = v
	}
	bad.Set("review_date", "someday")
	if a := lee.do("POST", "/exceptions", bad); a.status != http.StatusBadRequest {
		t.Errorf("a bad review date: %d, want 400", a.status)
	}
}

// TestPolicyEditing: the CISO changes the appetite and the days to treat;
// nobody else may, and a stale form changes nothing.
func TestPolicyEditing(t *testing.T) {
	e := newEnv(t)
	cleo, sam := e.browser(), e.browser()
	cleo.signIn("cleo")
	sam.signIn("sam")
	if page := sam.do("GET", "/policy", nil).body; strings.Contains(page, `id="policy-form"`) {
		t.Error("the SRO sees the policy form")
	}
	page := cleo.do("GET", "/policy", nil).body
	m := regexp.MustCompile(`name="version" value="([0-9]+)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `id="policy-form"`) {
		t.Fatal("the CISO sees no policy form")
	}
	f := url.Values{"version": {m[1]}, "appetite": {"low"}, "sla-critical": {"5"}, "sla-high": {"20"}, "sla-medium": {"60"},
		"sla-low": {"120"}, "sro_review_days": {"14"}, "model_review_days": {"180"}, "acceptance_warning_days": {"10"},
		"max_acceptance_days": {"90"}}
	if a := sam.do("POST", "/policy", f); a.status != http.StatusForbidden {
		t.Errorf("the SRO saving the policy: %d, want 403", a.status)
	}
	bad := url.Values{}
	for k, v := range f {
		bad[k] = v
	}
	bad.Set("sla-high", "0")
	if a := cleo.do("POST", "/policy", bad); a.status != http.StatusBadRequest {
		t.Errorf("zero days to treat: %d, want 400", a.status)
	}
	if a := cleo.do("POST", "/policy", f); a.status != http.StatusSeeOther {
		t.Fatalf("the CISO saves the policy: %d %s", a.status, a.body)
	}
	if a := cleo.do("POST", "/policy", f); a.status != http.StatusConflict && a.status != http.StatusPreconditionFailed {
		t.Errorf("saving a stale form: %d, want a conflict", a.status)
	}
	page = sam.do("GET", "/policy", nil).body
	for _, want := range []string{"<dt>Risk appetite</dt><dd>low</dd>", "within 14 days", "every 180 days", "<td>high</td><td>20</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("policy page after the change lacks %q", want)
		}
	}
}
