package web_test

import (
	"encoding/json"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

var (
	inputRE  = regexp.MustCompile(`<input ([^>]*)>`)
	selectRE = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	attrRE   = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
	chosenRE = regexp.MustCompile(`<option(?: value="([^"]*)")? selected>([^<]*)</option>`)
)

// formValues reads the form with id from a page as a browser would post
// it: inputs with their values (checkboxes when checked) and each select's
// selected option.
func formValues(t *testing.T, page, id string) url.Values {
	t.Helper()
	start := strings.Index(page, `<form method="post" action="/policy" id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no form %s", id)
	}
	page = page[start:]
	page = page[:strings.Index(page, "</form>")]
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(page, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[1], -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		if attrs["name"] == "" || attrs["type"] == "checkbox" && !strings.Contains(m[1], " checked") {
			continue
		}
		v.Add(attrs["name"], attrs["value"])
	}
	for _, m := range selectRE.FindAllStringSubmatch(page, -1) {
		c := chosenRE.FindStringSubmatch(m[2])
		if c == nil {
			t.Fatalf("select %s has no selected option", m[1])
		}
		if strings.Contains(c[0], `value="`) {
			v.Set(m[1], c[1])
		} else {
			v.Set(m[1], html.UnescapeString(c[2]))
		}
	}
	return v
}

// apiPolicy is the policy as the REST API reads it.
func apiPolicy(t *testing.T, e *env) store.Policy {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+"/api/v1/policy", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.tokens["cleo"])
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p store.Policy
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPolicyFormEditsEverything: the CISO's form changes the matrix, the
// appetites, the tiers, the days to treat and the review periods, each
// taking effect in the policy the API serves, with an audit entry per save.
func TestPolicyFormEditsEverything(t *testing.T) {
	e := newEnv(t)
	cleo := e.browser()
	cleo.signIn("cleo")
	before := apiPolicy(t, e)
	f := formValues(t, cleo.do("GET", "/policy", nil).body, "policy-form")
	if f.Get("band-5-5") != string(before.Matrix.Bands[4][4]) || f.Get("tier-0-name") != before.Tiers[0].Name {
		t.Fatalf("the form does not show the policy: %v", f)
	}
	f.Set("band-2-3", "critical")
	f.Set("likelihood-1", "very rare")
	f.Set("appetite", "high")
	f.Set("category-linking", "low")
	f.Set("category-spoofing", "medium")
	f.Set("sla-critical", "3")
	f.Set("model_review_days", "200")
	f.Set("tier-0-name", "crown-jewels") // rename
	f.Set("tier-0-review", "90")
	f.Set("tier-2-remove", "1") // remove the third
	rows := len(before.Tiers)   // the blank row after the current tiers adds one
	f.Set("tier-"+strconv.Itoa(rows)+"-name", "tier-4")
	f.Set("tier-"+strconv.Itoa(rows)+"-description", "prototypes")
	f.Set("tier-"+strconv.Itoa(rows)+"-must", "1")
	if a := cleo.do("POST", "/policy", f); a.status != http.StatusSeeOther {
		t.Fatalf("saving the policy: %d %s", a.status, a.body)
	}
	after := apiPolicy(t, e)
	checks := []struct {
		what      string
		got, want any
	}{
		{"band at likelihood 2, impact 3", after.Matrix.Bands[1][2], "critical"},
		{"an untouched band", after.Matrix.Bands[4][4], before.Matrix.Bands[4][4]},
		{"likelihood 1's name", after.Matrix.LikelihoodNames[0], "very rare"},
		{"appetite", after.Appetite, "high"},
		{"linking appetite", after.AppetiteByCategory["linking"], "low"},
		{"spoofing appetite", after.AppetiteByCategory["spoofing"], "medium"},
		{"categories set", len(after.AppetiteByCategory), 2},
		{"days to treat a critical", after.SLADays["critical"], 3},
		{"model review", after.ModelReviewDays, 200},
		{"tiers", len(after.Tiers), len(before.Tiers)},
		{"renamed tier", after.Tiers[0].Name, "crown-jewels"},
		{"renamed tier's review", after.Tiers[0].ReviewDays, 90},
		{"renamed tier keeps its description", after.Tiers[0].Description, before.Tiers[0].Description},
		{"new tier", after.Tiers[len(after.Tiers)-1], store.Tier{Name: "tier-4", Description: "prototypes", MustModel: true}},
		{"version", after.Version, before.Version + 1},
		{"changed by", after.UpdatedBy, "cleo"},
	}
	for _, c := range checks {
		if !equalish(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	for _, tr := range after.Tiers {
		if tr.Name == before.Tiers[2].Name {
			t.Errorf("tier %s was not removed", tr.Name)
		}
	}
	if sys, err := e.reg.System(t.Context(), "payments"); err != nil || sys.Tier != "crown-jewels" {
		t.Errorf("payments after its tier's rename: %+v %v, want tier crown-jewels", sys, err)
	}
	admin := e.browser()
	admin.signIn("admin")
	if n := strings.Count(admin.do("GET", "/audit", nil).body, "policy.update"); n != 1 {
		t.Errorf("audit trail: %d policy.update entries, want 1", n)
	}
	// The page now shows the changes to everyone who may read the policy.
	vic := e.browser()
	vic.signIn("vic")
	page := vic.do("GET", "/policy", nil).body
	for _, want := range []string{"crown-jewels", "<dt>Appetite for linking</dt><dd>low</dd>", "very rare"} {
		if !strings.Contains(page, want) {
			t.Errorf("the policy page lacks %q", want)
		}
	}
}

// TestPolicyFormTierInUse, on both engines: removing the tier systems
// use is refused above the tiers, naming those the CISO may see and
// counting the one above her clearance, and nothing is saved; renaming it
// moves the systems to the new name, with their audit entries.
func TestPolicyFormTierInUse(t *testing.T) {
	for _, eng := range storetest.Engines {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnvOn(t, eng.URL(t))
			if _, err := e.reg.CreateSystem(t.Context(), register.Actor{Name: "admin"},
				store.System{ID: "vault", Classification: "secret", Tier: "tier-1"}); err != nil {
				t.Fatal(err)
			}
			cleo := e.browser()
			cleo.signIn("cleo")
			page := cleo.do("GET", "/policy", nil).body
			good := formValues(t, page, "policy-form")
			if good.Get("tier-0-name") != "tier-1" || good.Get("tier-0-was") != "tier-1" {
				t.Fatalf("the form's first tier: name %q, was %q", good.Get("tier-0-name"), good.Get("tier-0-was"))
			}
			f := maps.Clone(good)
			f.Set("tier-0-remove", "1")
			a := cleo.do("POST", "/policy", f)
			msg := regexp.MustCompile(`<p class="field-error">([^<]*)</p>`).FindStringSubmatch(a.body)
			if a.status != http.StatusBadRequest || msg == nil || !strings.Contains(msg[1], "tier tier-1 is used by 2 system(s) (payments and 1 you may not see)") ||
				strings.Contains(a.body, "vault") {
				t.Fatalf("removing a used tier: %d, message %q", a.status, msg)
			}
			if v := apiPolicy(t, e).Version; v != 0 {
				t.Fatalf("a refused form saved the policy (version %d)", v)
			}
			f = maps.Clone(good)
			f.Set("tier-0-name", "crown-jewels")
			if a := cleo.do("POST", "/policy", f); a.status != http.StatusSeeOther {
				t.Fatalf("renaming the tier: %d %s", a.status, a.body)
			}
			for _, id := range []string{"payments", "vault"} {
				if sys, err := e.reg.System(t.Context(), id); err != nil || sys.Tier != "crown-jewels" {
					t.Fatalf("%s after the rename: %+v %v", id, sys, err)
				}
			}
			es, err := e.reg.Store().ListAudit(t.Context(), store.AuditFilter{Object: "system/payments", Action: "system.update"})
			if err != nil || len(es) == 0 || es[len(es)-1].Actor != "cleo" || !strings.Contains(string(es[len(es)-1].Data), "tier tier-1 renamed crown-jewels") {
				t.Fatalf("the rename's audit entry: %+v %v", es, err)
			}
		})
	}
}

func equalish(got, want any) bool {
	gs, _ := json.Marshal(got)
	ws, _ := json.Marshal(want)
	return string(gs) == string(ws)
}

// TestPolicyFormRefusals: a value the policy cannot take is refused next
// to its field, shown as typed, and nothing is saved; only the CISO may
// post the form.
func TestPolicyFormRefusals(t *testing.T) {
	e := newEnv(t)
	cleo := e.browser()
	cleo.signIn("cleo")
	good := formValues(t, cleo.do("GET", "/policy", nil).body, "policy-form")
	cases := []struct {
		name, field, value, message string
	}{
		{"days not a number", "sla-high", "thirty", `&#34;thirty&#34; is not a whole number of days`},
		{"zero days", "sla-high", "0", "sla_days needs a number of days from 1 to 3660 for high"},
		{"too many days", "max_acceptance_days", "99999", "max_acceptance_days must be between 1 and 3660 days"},
		{"warning after the longest acceptance", "acceptance_warning_days", "400", "acceptance_warning_days must be between 0 and max_acceptance_days"},
		{"band not a severity", "band-3-3", "extreme", `&#34;extreme&#34; is not a severity`},
		{"category appetite not a severity", "category-tampering", "none", `&#34;none&#34; is not a severity`},
		{"duplicate tier", "tier-1-name", good.Get("tier-0-name"), "tier names must be present and unique"},
		{"tier name with a space", "tier-1-name", "tier two", "a tier name has 1 to 64 letters"},
		{"negative tier review", "tier-0-review", "-5", "review_days must be from 0"},
		{"blank level name", "impact-2", " ", "a level needs a name of 1 to 40 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range good {
				f[k] = v
			}
			f.Set(c.field, c.value)
			a := cleo.do("POST", "/policy", f)
			if a.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", a.status)
			}
			// The message sits in the field's own paragraph or cell, after the field.
			at := strings.Index(a.body, `name="`+c.field+`"`)
			if at < 0 {
				t.Fatalf("the form is not shown again")
			}
			rest := a.body[at:]
			end := len(rest)
			for _, closing := range []string{"</td>", "</p>"} {
				if i := strings.Index(rest, closing); i >= 0 && i < end {
					end = i
				}
			}
			rest = rest[:end]
			if !strings.Contains(rest, `class="field-error"`) || !strings.Contains(rest, c.message) {
				t.Errorf("no message %q next to %s: %s", c.message, c.field, rest)
			}
			if c.field != "tier-1-name" || c.value != good.Get("tier-0-name") {
				kept := formValues(t, a.body, "policy-form")
				if kept.Get(c.field) != strings.TrimSpace(c.value) && !(strings.HasPrefix(c.field, "impact-") && kept.Get(c.field) == "") {
					t.Errorf("%s shown as %q, want %q as typed", c.field, kept.Get(c.field), c.value)
				}
			}
			if v := apiPolicy(t, e).Version; v != 0 {
				t.Errorf("a refused form saved the policy (version %d)", v)
			}
		})
	}
	for _, who := range []string{"sam", "lee", "vic", "admin", "aud"} {
		b := e.browser()
		b.signIn(who)
		if page := b.do("GET", "/policy", nil).body; strings.Contains(page, `id="policy-form"`) {
			t.Errorf("%s sees the policy form", who)
		}
		if a := b.do("POST", "/policy", good); a.status != http.StatusForbidden {
			t.Errorf("%s posting the policy: %d, want 403", who, a.status)
		}
	}
	if v := apiPolicy(t, e).Version; v != 0 {
		t.Errorf("a refused post saved the policy (version %d)", v)
	}
}
