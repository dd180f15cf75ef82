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
