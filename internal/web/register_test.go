package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// targets reads, from a register page, the bulk form's checkbox values.
func targets(page string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`name="t" form="bulk" value="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestRegisterScreen drives the register's category filter, exports and
// bulk actions as plain requests.
func TestRegisterScreen(t *testing.T) {
	e := newEnv(t)
	lee := e.browser()
	lee.signIn("lee")

	// The category filter keeps threats of one STRIDE category, and the
	// export holds exactly the filtered view, every page of it.
	all := lee.do("GET", "/threats?system=payments", nil)
	tampering := lee.do("GET", "/threats?system=payments&category=tampering", nil)
	if all.status != http.StatusOK || tampering.status != http.StatusOK {
		t.Fatalf("register: %d, %d", all.status, tampering.status)
	}
	nAll, nTamp := len(targets(all.body)), len(targets(tampering.body))
	if nTamp == 0 || nTamp >= nAll {
		t.Fatalf("category tampering kept %d of %d threats", nTamp, nAll)
	}
	if a := lee.do("GET", "/threats?category=bogus", nil); a.status != http.StatusBadRequest || !strings.Contains(a.body, "want one of spoofing") {
		t.Errorf("unknown category: %d", a.status)
	}
	m := regexp.MustCompile(`href="(/threats/export\?[^"]*)&amp;format=csv"`).FindStringSubmatch(tampering.body)
	if m == nil {
		t.Fatal("no CSV export link on the filtered register")
	}
	exportURL := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(exportURL, "category=tampering") || !strings.Contains(exportURL, "system=payments") {
		t.Fatalf("export link %q does not keep the filters", exportURL)
	}
	csvAnswer := lee.do("GET", exportURL+"&format=csv", nil)
	if csvAnswer.status != http.StatusOK || !strings.HasPrefix(csvAnswer.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(csvAnswer.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV export: %d %s", csvAnswer.status, csvAnswer.header)
	}
	records, err := csv.NewReader(strings.NewReader(csvAnswer.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != nTamp+1 || records[0][0] != "system" {
		t.Fatalf("CSV export has %d rows, want a header and %d threats", len(records), nTamp)
	}
	for _, r := range records[1:] {
		if !strings.Contains(r[5], "tampering") {
			t.Errorf("exported %s has STRIDE %q, outside the filter", r[1], r[5])
		}
	}
	xlsxAnswer := lee.do("GET", exportURL+"&format=xlsx", nil)
	if xlsxAnswer.status != http.StatusOK {
		t.Fatalf("XLSX export: %d", xlsxAnswer.status)
	}
	x, err := excelize.OpenReader(strings.NewReader(xlsxAnswer.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Threats")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(records) || !slices.Equal(rows[1][:3], records[1][:3]) {
		t.Errorf("XLSX export has %d rows (first %v), CSV %d (first %v)", len(rows), rows[1], len(records), records[1])
	}
	if a := lee.do("GET", "/threats/export?format=pdf", nil); a.status != http.StatusBadRequest {
		t.Errorf("export as pdf: %d, want 400", a.status)
	}

	// Bulk: assign an owner and a due date to two threats.
	picked := targets(all.body)[:2]
	form := url.Values{"t": picked, "action": {"owner"}, "owner": {"=cmd|' /C calc'!A0"}, "back": {"/threats?system=payments"}}
	if a := lee.do("POST", "/threats/bulk", form); a.status != http.StatusSeeOther || a.header.Get("Location") != "/threats?done=bulk-owner&system=payments" {
		t.Fatalf("bulk owner: %d %q %s", a.status, a.header.Get("Location"), a.body)
	}
	// The versions moved: the old ones are stale now, and nothing changes.
	if a := lee.do("POST", "/threats/bulk", url.Values{"t": picked, "action": {"due"}, "due": {"2027-03-01"}}); a.status != http.StatusConflict {
		t.Fatalf("bulk with stale versions: %d, want 409", a.status)
	}
	owned := lee.do("GET", "/threats?system=payments&owner="+url.QueryEscape("=cmd|' /C calc'!A0"), nil)
	fresh := targets(owned.body)
	if len(fresh) != 2 {
		t.Fatalf("owner filter after the bulk assign: %d threats, want 2", len(fresh))
	}
	// A formula-looking owner stays text in the CSV export.
	out := lee.do("GET", "/threats/export?system=payments&format=csv&owner="+url.QueryEscape("=cmd|' /C calc'!A0"), nil)
	if !strings.Contains(out.body, "'=cmd|") {
		t.Errorf("CSV export does not neutralise a formula-looking cell")
	}
	if a := lee.do("POST", "/threats/bulk", url.Values{"t": fresh, "action": {"due"}, "due": {"2027-03-01"}}); a.status != http.StatusSeeOther {
		t.Fatalf("bulk due: %d %s", a.status, a.body)
	}
	if page := lee.do("GET", "/threats?system=payments&owner="+url.QueryEscape("=cmd|' /C calc'!A0"), nil).body; strings.Count(page, "<td>2027-03-01</td>") != 2 {
		t.Errorf("bulk due date not set on both threats")
	}
	if a := lee.do("POST", "/threats/bulk", url.Values{"t": fresh, "action": {"due"}, "due": {"soon"}}); a.status != http.StatusBadRequest {
		t.Errorf("bulk with a bad date: %d, want 400", a.status)
	}

	// A developer requests acceptance of several threats in one go; the SRO
	// sees one submitted acceptance for them.
	dev := e.browser()
	dev.signIn("dev")
	sel := targets(dev.do("GET", "/threats?system=payments&sort=id", nil).body)[2:5]
	if a := dev.do("POST", "/threats/bulk", url.Values{"t": sel, "action": {"accept"}, "justification": {"covered by the WAF"},
		"expires": {"2027-02-01"}}); a.status != http.StatusSeeOther {
		t.Fatalf("developer bulk acceptance: %d %s", a.status, a.body)
	}
	threat := sel[0][strings.LastIndex(sel[0], ":")+1:]
	id, _ := acceptanceForm(t, e, "sam", "/systems/payments/threats/"+url.PathEscape(threat))
	if id == "" {
		t.Fatal("the SRO sees no acceptance to decide")
	}

	// The viewer sees no selection and is refused when posting anyway.
	vic := e.browser()
	vic.signIn("vic")
	if page := vic.do("GET", "/threats?system=payments", nil).body; strings.Contains(page, `form="bulk"`) || strings.Contains(page, `id="bulk"`) {
		t.Error("viewer sees the bulk actions")
	}
	for _, action := range []string{"owner", "due", "accept"} {
		if a := vic.do("POST", "/threats/bulk", url.Values{"t": fresh, "action": {action}, "owner": {"x"}, "due": {"2027-01-01"},
			"justification": {"x"}, "expires": {"2027-01-01"}}); a.status != http.StatusForbidden {
			t.Errorf("viewer bulk %s: %d, want 403", action, a.status)
		}
	}
	// Too many, or none, selected.
	many := make([]string, 201)
	for i := range many {
		many[i] = fresh[0]
	}
	if a := lee.do("POST", "/threats/bulk", url.Values{"t": many, "action": {"owner"}}); a.status != http.StatusBadRequest {
		t.Errorf("201 selected: %d, want 400", a.status)
	}
	if a := lee.do("POST", "/threats/bulk", url.Values{"action": {"owner"}}); a.status != http.StatusBadRequest {
		t.Errorf("none selected: %d, want 400", a.status)
	}
}
