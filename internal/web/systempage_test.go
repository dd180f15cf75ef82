package web_test

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestSystemPage checks the system page draws the latest version with
// links to each element's threats, lists attack paths, and compares
// versions.
func TestSystemPage(t *testing.T) {
	e := newEnv(t)
	src, err := os.ReadFile("testdata/payments.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Version 2 encrypts the flow from the web app to the API.
	v2 := strings.Replace(string(src), "to: api\n    protocol: http\n", "to: api\n    protocol: https\n", 1)
	if v2 == string(src) {
		t.Fatal("the test model changed: no plain-HTTP flow to the API")
	}
	e.api("dev", "POST", "/api/v1/systems/payments/versions?ref=abc123", []byte(v2), http.StatusCreated)

	lee := e.browser()
	lee.signIn("lee")
	a := lee.do("GET", "/systems/payments", nil)
	if a.status != http.StatusOK {
		t.Fatalf("system page: %d %s", a.status, a.body)
	}
	page := a.body
	for _, want := range []string{`<svg class="diagram" role="group"`, `<a href="#el-web"><g id="c-web"`, `id="el-web"`,
		`<h2>Attack paths</h2>`, `card-data`, `href="/systems/payments/diff?from=1&amp;to=2"`} {
		if !strings.Contains(page, want) {
			t.Errorf("system page lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)<script>|<style| style=| on[a-z]+=|javascript:|xlink`).MatchString(page) {
		t.Errorf("system page carries script, style or an event handler: %q", regexp.MustCompile(`(?i).{0,40}(<script>|<style| style=| on[a-z]+=|javascript:|xlink).{0,40}`).FindString(page))
	}
	// Every element the diagram links has its threats on the page.
	for _, m := range regexp.MustCompile(`<a href="#el-([^"]+)">`).FindAllStringSubmatch(page, -1) {
		if !strings.Contains(page, `id="el-`+m[1]+`"`) {
			t.Errorf("the diagram links %s, which has no threats listed", m[1])
		}
	}

	d := lee.do("GET", "/systems/payments/diff?from=1&to=2", nil)
	if d.status != http.StatusOK {
		t.Fatalf("diff: %d %s", d.status, d.body)
	}
	if !regexp.MustCompile(`<td>flow</td><td><code>web-to-api</code></td><td>changed</td><td>[^<]*protocol`).MatchString(d.body) {
		t.Error("the diff does not show the flow to the API changed in its protocol")
	}
	if !strings.Contains(d.body, `id="diff-threats"`) {
		t.Error("the diff lists no threat that moved")
	}
	for _, bad := range []string{"from=9", "from=x", "to=0"} {
		if a := lee.do("GET", "/systems/payments/diff?"+bad, nil); a.status != http.StatusBadRequest {
			t.Errorf("diff?%s: %d, want 400", bad, a.status)
		}
	}
}
