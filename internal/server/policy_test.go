package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/rampart-sec/rampart/internal/analysis"
	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/policy"
	"github.com/rampart-sec/rampart/internal/register"
	"github.com/rampart-sec/rampart/internal/source"
	"github.com/rampart-sec/rampart/internal/store"
	"github.com/rampart-sec/rampart/internal/store/storetest"
)

// mandatoryRule is a rule that finds threats in the payments model: the
// first rule of its analysis.
func mandatoryRule(t *testing.T) string {
	t.Helper()
	m, ps, err := model.LoadBytes(t.Context(), "payments.yaml", paymentsModel(t), model.Options{})
	if err != nil || len(ps.Errors()) > 0 {
		t.Fatalf("payments model: %v %v", err, ps.Errors())
	}
	res := analysis.Analyze(m, analysis.Options{})
	if len(res.Findings) == 0 {
		t.Fatal("the payments model has no threats")
	}
	return res.Findings[0].Rule
}

// orgPolicy is a policy file with a low appetite that requires rule.
func orgPolicy(t *testing.T, rule string) *policy.Policy {
	t.Helper()
	p, problems := policy.Parse("org.yaml", fmt.Appendf(nil, "rampart-policy: 1\nname: Org\nrisk_appetite:\n  max_severity: low\n"+
		"  by_category: {privacy: low}\nrequired_rules: [%s]\n", rule), nil)
	if len(problems) > 0 {
		t.Fatalf("policy: %v", problems)
	}
	return p
}

// loosening is the payments model disabling rule and asking for a high appetite.
func loosening(t *testing.T, rule string) []byte {
	src := strings.Replace(string(paymentsModel(t)), "  max_severity: medium\n", "  max_severity: high\n", 1)
	return []byte(src + "settings:\n  disabled_rules: [" + rule + "]\n")
}

func ruleFindings(t *testing.T, body []byte, rule string) (n int, res analysis.Result) {
	t.Helper()
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"threats"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range raw.Findings {
		if f.Rule == rule {
			n++
		}
	}
	return n, res
}

func TestPushedModelsAreGovernedByThePolicyFile(t *testing.T) {
	rule := mandatoryRule(t)
	src := loosening(t, rule)

	// Without a policy file the model's disable and appetite apply.
	plain := newEnv(t, storetest.SQLite(t))
	plain.must(http.StatusCreated, "dev", "POST", "/api/v1/systems/payments/versions", src)
	if n, res := ruleFindings(t, plain.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/versions/1/analysis", nil).body, rule); n != 0 ||
		res.Appetite.MaxSeverity != "high" {
		t.Fatalf("without a policy: %d findings of %s, appetite %s", n, rule, res.Appetite.MaxSeverity)
	}

	e := newEnv(t, storetest.SQLite(t), register.WithFloor(orgPolicy(t, rule)))
	var pushed register.Pushed
	e.must(http.StatusCreated, "dev", "POST", "/api/v1/systems/payments/versions", src).json(t, &pushed)
	if pushed.Policy.File != "org.yaml" || !slices.Equal(pushed.Policy.Refused, []string{rule}) || len(pushed.Policy.DisabledRules) != 0 {
		t.Errorf("policy info: %+v", pushed.Policy)
	}
	var loosened []string
	for _, l := range pushed.Policy.Loosened {
		loosened = append(loosened, fmt.Sprintf("%s %s>%s", l.Key, l.Model, l.Policy))
	}
	if !slices.Contains(loosened, "risk_appetite.max_severity high>low") {
		t.Errorf("loosened: %v", loosened)
	}
	at := map[string]model.Problem{}
	for _, p := range pushed.Warnings {
		if p.Severity != source.Warning || p.Code != source.CodePolicy {
			t.Errorf("not a policy warning: %+v", p)
		}
		at[p.Path] = p
	}
	for _, path := range []string{"settings.disabled_rules[0]", "risk_appetite.max_severity"} {
		p, ok := at[path]
		if !ok || p.Pos.Line == 0 || !strings.HasPrefix(p.String(), "payments.yaml:") {
			t.Errorf("no warning at %s with a position: %v", path, pushed.Warnings)
		}
	}

	// The stored analysis ran the rule, under the policy's appetite, and
	// carries the same warnings.
	n, res := ruleFindings(t, e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/versions/1/analysis", nil).body, rule)
	if n == 0 || res.Appetite.MaxSeverity != "low" || res.Appetite.ByCategory["privacy"] != "low" {
		t.Errorf("with the policy: %d findings of %s, appetite %+v", n, rule, res.Appetite)
	}
	if got := len(slices.DeleteFunc(slices.Clone(res.Warnings), func(p model.Problem) bool { return p.Code != source.CodePolicy })); got != len(pushed.Warnings) {
		t.Errorf("stored analysis has %d policy warnings, the push answered %d", got, len(pushed.Warnings))
	}

	// The audit trail records what the policy did.
	found := false
	sc := bufio.NewScanner(bytes.NewReader(e.must(http.StatusOK, "audrey", "GET", "/api/v1/audit", nil).body))
	for sc.Scan() {
		var ent struct {
			Action string `json:"action"`
			Data   struct {
				Policy policy.Info `json:"policy"`
			} `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ent); err != nil {
			t.Fatal(err)
		}
		if ent.Action == "model.push" {
			found = slices.Equal(ent.Data.Policy.Refused, []string{rule}) && len(ent.Data.Policy.Loosened) == len(pushed.Policy.Loosened)
		}
	}
	if !found {
		t.Error("the audit trail's model.push does not record the refused disable and the loosenings")
	}

	// The diff re-analyses under the policy too: its counts are the
	// stored analysis's, the required rule's threats among them.
	var d struct {
		OpenAfter int `json:"open_after"`
	}
	e.must(http.StatusOK, "dev", "GET", "/api/v1/systems/payments/diff?from=1&to=1", nil).json(t, &d)
	if d.OpenAfter != res.Summary.Open {
		t.Errorf("diff counts %d open threats, the stored analysis %d", d.OpenAfter, res.Summary.Open)
	}
}

func TestStoredPolicyMayOnlyTightenThePolicyFile(t *testing.T) {
	rule := mandatoryRule(t)
	e := newEnv(t, storetest.SQLite(t), register.WithFloor(orgPolicy(t, rule)))

	// The stored default (appetite medium) is looser than the file, and
	// reads as the file tightens it.
	var looser *register.LooserError
	if err := e.reg.CheckPolicy(t.Context()); !errors.As(err, &looser) || len(looser.Loosened) == 0 || looser.Loosened[0].Key != "appetite" ||
		!slices.Equal(looser.Rules, []string{rule}) {
		t.Errorf("check of the stored default: %v", err)
	}
	r := e.must(http.StatusOK, "ciso", "GET", "/api/v1/policy", nil)
	var cur store.Policy
	r.json(t, &cur)
	if cur.Appetite != "low" || cur.AppetiteByCategory["privacy"] != "low" || !slices.Contains(cur.MandatoryRules, rule) {
		t.Fatalf("effective policy: appetite %s %v, mandatory %v", cur.Appetite, cur.AppetiteByCategory, cur.MandatoryRules)
	}
	def := store.DefaultPolicy()
	if cur.Matrix != def.Matrix {
		t.Errorf("a file without a matrix changed it: %+v", cur.Matrix)
	}

	loose := func(f func(p *store.Policy)) store.Policy {
		p := cur
		p.AppetiteByCategory = map[string]model.Severity{"privacy": "low"}
		p.MandatoryRules = slices.Clone(cur.MandatoryRules)
		f(&p)
		return p
	}
	cases := []struct {
		name     string
		policy   store.Policy
		location string
	}{
		{"appetite", loose(func(p *store.Policy) { p.Appetite = "high" }), "body.appetite"},
		{"category", loose(func(p *store.Policy) { p.AppetiteByCategory["privacy"] = "medium" }), "body.appetite_by_category.privacy"},
		{"mandatory rule", loose(func(p *store.Policy) { p.MandatoryRules = nil }), "body.mandatory_rules"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.must(http.StatusUnprocessableEntity, "ciso", "PUT", "/api/v1/policy", c.policy, "If-Match", r.header.Get("ETag"))
			var p huma.ErrorModel
			r.json(t, &p)
			if len(p.Errors) != 1 || p.Errors[0].Location != c.location || !strings.Contains(p.Detail, "org.yaml") {
				t.Errorf("problem: %s", r.body)
			}
		})
	}
	var after store.Policy
	e.must(http.StatusOK, "ciso", "GET", "/api/v1/policy", nil).json(t, &after)
	if after.Version != cur.Version {
		t.Errorf("a refused update was stored: version %d, was %d", after.Version, cur.Version)
	}

	// What the server shows may be written back; a tighter matrix cell too.
	tight := cur
	tight.Matrix.Bands[0][0] = "medium"
	var put store.Policy
	e.must(http.StatusOK, "ciso", "PUT", "/api/v1/policy", tight, "If-Match", r.header.Get("ETag")).json(t, &put)
	if put.Appetite != "low" || put.Matrix.Bands[0][0] != "medium" {
		t.Errorf("tightened policy: %+v", put)
	}
	if err := e.reg.CheckPolicy(t.Context()); err != nil {
		t.Errorf("check of the tightened policy: %v", err)
	}
}
