package custom

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/model"
	"github.com/rampart-sec/rampart/internal/threats"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// loadExamples loads the documented example rules in testdata.
func loadExamples(t testing.TB) []threats.Rule {
	t.Helper()
	rules, problems, err := Load(context.Background(), "testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("example rules have problems:\n%v", problems)
	}
	return rules
}

func TestLoadCustomRulesExamples(t *testing.T) {
	rules := loadExamples(t)
	want := []string{"acme-personal-data-unencrypted-across-network", "acme-sensitive-data-sprawl", "acme-internet-admin-without-mfa"}
	if got := threats.RuleIDs(rules); !slices.Equal(got, want) {
		t.Fatalf("loaded rules %v, want %v (file name order, then order in the file)", got, want)
	}
	for _, r := range rules {
		if !r.Custom || r.Check == nil || r.Title == "" || len(r.STRIDE) == 0 || r.Likelihood == 0 || r.Why == "" {
			t.Errorf("rule %s: incomplete: %+v", r.ID, r.Meta)
		}
	}
	admin := rules[2]
	if admin.Scope != threats.ScopeComponent || !slices.Equal(admin.ATTACK, []string{"T1078", "T1133"}) || !slices.Equal(admin.CWE, []int{308}) || admin.Impact != 5 {
		t.Errorf("admin rule metadata decoded wrongly: %+v", admin.Meta)
	}
}

const exampleModel = `
rampart: 1
system: {id: s, name: S}
data:
  - {id: pii, classification: confidential, personal: true}
  - {id: cfg, classification: internal}
  - {id: card, classification: restricted}
components:
  - {id: user, type: user}
  - {id: admin, name: Admin console, type: web-application, internet_facing: true, admin_interface: true, authentication: password, processes: [card]}
  - {id: ops, name: Ops console, type: web-application, admin_interface: true, authentication: password, trust_boundary: lan}
  - {id: safe, name: Safe console, type: web-application, internet_facing: true, admin_interface: true, controls: [admin-mfa]}
  - {id: app, type: api, processes: [pii, card], trust_boundary: lan}
  - {id: db, type: database, stores: [pii, card], trust_boundary: data}
  - {id: cache, type: cache, stores: [card], trust_boundary: data}
trust_boundaries:
  - {id: lan, type: network-segment}
  - {id: data, type: network-segment}
flows:
  - {id: user-ops, from: user, to: ops, protocol: https}
  - {id: app-db, from: app, to: db, protocol: jdbc, data_sent: [pii]}
  - {id: app-cache, from: app, to: cache, protocol: redis, data_sent: [cfg]}
  - {id: app-db-tls, from: app, to: db, protocol: jdbc, encryption: tls, data_sent: [pii]}
`

func TestCustomRulesFindThreats(t *testing.T) {
	rules := loadExamples(t)
	found := threats.Identify(load(t, exampleModel), rules)
	got := map[string]threats.Threat{}
	for _, th := range found {
		got[th.ID] = th
	}
	want := map[string]string{
		"acme-internet-admin-without-mfa@admin":                "Admin console (admin) exposes an administration interface to the internet with password authentication and no second factor.",
		"acme-internet-admin-without-mfa@ops":                  "Ops console (ops) exposes an administration interface to untrusted callers with password authentication and no second factor.",
		"acme-personal-data-unencrypted-across-network@app-db": "app sends personal data (pii) to db over jdbc without encryption, across a network boundary.",
		"acme-sensitive-data-sprawl@card":                      "card is held by 4 components: db, cache, admin, app.",
	}
	if len(got) != len(want) {
		t.Errorf("got threats %v, want %v", keys(got), keys(want))
	}
	for id, desc := range want {
		th, ok := got[id]
		if !ok {
			t.Errorf("missing threat %s", id)
			continue
		}
		if th.Description != desc {
			t.Errorf("%s description:\n got %q\nwant %q", id, th.Description, desc)
		}
		if th.Origin != threats.OriginCustom {
			t.Errorf("%s origin = %s, want custom", id, th.Origin)
		}
		if th.Pos.Line == 0 {
			t.Errorf("%s has no model position", id)
		}
	}
	if th := got["acme-internet-admin-without-mfa@admin"]; len(th.CWE) != 1 || th.CWE[0].Name == "" || len(th.ATTACK) != 2 {
		t.Errorf("catalog references not resolved: %+v %+v", th.CWE, th.ATTACK)
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestCustomRuleVariables checks every documented variable through a
// condition that holds exactly for the listed elements.
func TestCustomRuleVariables(t *testing.T) {
	m := load(t, `
rampart: 1
system: {id: shop, name: Shop, owner: team-shop}
data:
  - {id: pii, classification: confidential, personal: true, cia: {confidentiality: high}}
  - {id: pub, classification: public}
components:
  - {id: user, type: user}
  - {id: web, type: web-application, technology: nginx, internet_facing: true, processes: [pub], controls: [waf], tags: [edge]}
  - {id: api, type: api, processes: [pii], trust_boundary: app, controls: [own-auth], custom_code: true}
  - {id: db, type: database, stores: [pii], trust_boundary: vault-seg}
  - {id: old, type: api, out_of_scope: true}
trust_boundaries:
  - {id: cloud, type: cloud-account, contains: [app, vault-seg]}
  - {id: app, type: network-segment}
  - {id: vault-seg, type: container}
flows:
  - {id: user-web, from: user, to: web, protocol: https}
  - {id: web-api, from: web, to: api, protocol: http, authentication: jwt, data_sent: [pii]}
  - {id: api-db, from: api, to: db, protocol: jdbc, data_sent: [pii]}
controls:
  - {id: own-auth, catalog: access-control, status: implemented}
`)
	tests := []struct {
		scope     threats.Scope
		condition string
		want      []string
	}{
		{threats.ScopeComponent, "component.kind == 'datastore'", []string{"db"}},
		{threats.ScopeComponent, "component.technology == 'nginx' && 'edge' in component.tags", []string{"web"}},
		{threats.ScopeComponent, "component.boundary == 'vault-seg' && component.boundaries == ['vault-seg', 'cloud']", []string{"db"}},
		{threats.ScopeComponent, "component.max_classification == 2 && component.personal", []string{"api", "db"}},
		{threats.ScopeComponent, "component.data.exists(d, d.cia.confidentiality == 'high' && d.cia_scores.confidentiality == 4)", []string{"api", "db"}},
		{threats.ScopeComponent, "component.untrusted", []string{"user"}},
		{threats.ScopeComponent, "'access-control' in component.implemented_controls && component.custom_code", []string{"api"}},
		{threats.ScopeComponent, "size(component.incoming) == 1 && size(component.outgoing) == 1", []string{"api", "web"}},
		{threats.ScopeComponent, "component.incoming.exists(f, f.source.internet_facing)", []string{"api"}},
		{threats.ScopeComponent, "component.id == 'old'", nil}, // out of scope components are not checked
		{threats.ScopeComponent, "component.technology.upperAscii().lowerAscii().startsWith('ngi') && sets.intersects(component.tags, ['edge']) && 'a,b'.split(',').join('-') == 'a-b' && '%s'.format(['x']) == 'x'", []string{"web"}},
		{threats.ScopeComponent, "model.system.owner == 'team-shop' && model.counts.components == 5 && component.id == 'web'", []string{"web"}},
		{threats.ScopeFlow, "flow.crosses_boundary && !flow.crosses_network", nil},
		{threats.ScopeFlow, "flow.crosses_network", []string{"api-db", "web-api"}},
		{threats.ScopeFlow, "!flow.encrypted && flow.effective_encryption == 'none' && flow.encryption == ''", []string{"api-db", "web-api"}},
		{threats.ScopeFlow, "flow.authenticated && flow.authentication == 'jwt'", []string{"web-api"}},
		{threats.ScopeFlow, "flow.source.kind == 'external-entity' && flow.target.internet_facing", []string{"user-web"}},
		{threats.ScopeFlow, "flow.data.exists(d, d.personal) && flow.max_classification == 2 && flow.personal", []string{"api-db", "web-api"}},
		{threats.ScopeFlow, "'waf' in flow.implemented_controls", []string{"user-web"}},
		{threats.ScopeData, "data.level == 2 && data.stored_by == ['db'] && data.processed_by == ['api'] && data.carried_by == ['web-api', 'api-db']", []string{"pii"}},
		{threats.ScopeData, "data.classification == 'public' && !data.personal", []string{"pub"}},
		{threats.ScopeBoundary, "boundary.network", []string{"app", "cloud"}},
		{threats.ScopeBoundary, "boundary.nested == ['app', 'vault-seg'] && boundary.parent == ''", []string{"cloud"}},
		{threats.ScopeBoundary, "boundary.components == ['db'] && boundary.parent == 'cloud' && boundary.boundaries == ['cloud']", []string{"vault-seg"}},
		{threats.ScopeBoundary, "model.controls.exists(c, c.id == 'own-auth' && c.status == 'implemented') && boundary.type == 'container'", []string{"vault-seg"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.scope)+": "+tt.condition, func(t *testing.T) {
			src := fmt.Sprintf("id: acme-probe\ntitle: Probe\nstride: [tampering]\nscope: %s\nlikelihood: 1\nimpact: 1\ntrigger: t\nwhy: w\nmitigation: m\ncondition: %q\n", tt.scope, tt.condition)
			rules, problems := Parse("probe.yaml", []byte(src))
			if len(problems) > 0 || len(rules) != 1 {
				t.Fatalf("rule did not load:\n%v", problems)
			}
			var got []string
			for _, th := range threats.Identify(m, rules) {
				got = append(got, th.Targets[0])
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("condition matched %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCustomRuleProblems compares the problems reported for each invalid rule
// file in testdata/invalid with its golden file (regenerate with -update).
func TestCustomRuleProblems(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no invalid rule files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rules, problems := Parse(filepath.ToSlash(file), src)
			var b strings.Builder
			for _, p := range problems {
				b.WriteString(p.String())
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "valid rules: %v\n", threats.RuleIDs(rules))
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if b.String() != string(want) {
				t.Errorf("problems differ from %s:\n got:\n%s\nwant:\n%s", golden, b.String(), want)
			}
			if len(problems.Errors()) == 0 {
				t.Error("an invalid rule file reported no errors")
			}
		})
	}
}

func TestLoadCustomRulesErrors(t *testing.T) {
	if _, _, err := Load(context.Background(), filepath.Join("testdata", "no-such-dir")); err == nil {
		t.Error("a missing directory gave no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Load(ctx, "testdata"); err == nil {
		t.Error("a cancelled context gave no error")
	}
	dir := t.TempDir()
	big := make([]byte, MaxFileSize+1)
	if err := os.WriteFile(filepath.Join(dir, "big.yaml"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("an oversized file gave %v, want a 'too large' error", err)
	}
	// Rule ids must be unique across files too.
	dir = t.TempDir()
	rule := "id: acme-same\ntitle: T\nstride: [spoofing]\nscope: flow\nlikelihood: 1\nimpact: 1\ntrigger: t\nwhy: w\nmitigation: m\ncondition: 'true'\n"
	for _, name := range []string{"a.yaml", "b.yml", "ignored.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rule), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rules, problems, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || len(problems) != 1 || !strings.Contains(problems[0].String(), "b.yml:1:5: id: rule id 'acme-same' is already defined at "+filepath.Join(dir, "a.yaml")+":1:5") {
		t.Errorf("duplicate across files: rules %v, problems:\n%v", threats.RuleIDs(rules), problems)
	}
}

// TestCustomRuleRuntimeError checks that a condition or detail failing at
// run time on some elements neither panics nor stops the rule on the
// others, and that the failure is reported once, as a warning with the
// count, at the expression that failed.
func TestCustomRuleRuntimeError(t *testing.T) {
	head := "id: acme-runtime\ntitle: T\nstride: [spoofing]\nscope: component\nlikelihood: 1\nimpact: 1\ntrigger: t\nwhy: w\nmitigation: m\n"
	tests := []struct {
		name, rule string
		want       []string // threat ids
		warning    string
	}{
		{"condition", "condition: \"component.id == 'web' ? component.tags[3] == 'x' : component.id == 'db'\"\n",
			[]string{"acme-runtime@db"}, "r.yaml:10:12: warning: condition: custom rule acme-runtime could not be evaluated on 1 element(s), first on web"},
		// Failing on more elements than the budget has evaluation limits for
		// is still a failure, not a spent budget.
		{"every element", "condition: \"1 / size(component.tags) == 1\"\n",
			nil, "r.yaml:10:12: warning: condition: custom rule acme-runtime could not be evaluated on 15 element(s), first on web: division by zero"},
		{"detail", "condition: \"component.id in ['web', 'db']\"\ndetail: \"component.tags[0]\"\n",
			[]string{"acme-runtime@db", "acme-runtime@web"}, "r.yaml:11:9: warning: detail: custom rule acme-runtime could not be evaluated on 2 element(s), first on web"},
	}
	src := "rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n  - {id: web, type: api}\n  - {id: db, type: database}\n  - {id: api, type: api}\n"
	for i := range RuleBudget/evalLimit + 2 {
		src += fmt.Sprintf("  - {id: svc%d, type: service}\n", i)
	}
	m := load(t, src)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, problems := Parse("r.yaml", []byte(head+tt.rule))
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			e := threats.NewEnv(m)
			var got []string
			for _, th := range e.Identify(rules) {
				got = append(got, th.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			fails := e.Failures()
			if len(fails) != 1 || !fails[0].IsWarning() || !strings.Contains(fails[0].String(), tt.warning) {
				t.Errorf("failures %v, want one warning %q", fails, tt.warning)
			}
		})
	}
}

// TestCustomRuleTypeErrors checks that conditions are type-checked against
// the elements' declared fields when the rule loads.
func TestCustomRuleTypeErrors(t *testing.T) {
	head := "id: acme-typed\ntitle: T\nstride: [spoofing]\nscope: %s\nlikelihood: 1\nimpact: 1\ntrigger: t\nwhy: w\nmitigation: m\ncondition: \"%s\"\n"
	tests := []struct {
		scope, condition, want string
	}{
		{"component", "component.authentcation == 'none'", "r.yaml:10:22: condition: CEL: undefined field 'authentcation' (did you mean 'authentication'?)"},
		{"component", "component.id", "the expression gives string, expected a boolean"},
		{"flow", "flow.source.incoming.size() > 0", "undefined field 'incoming'"},
		{"flow", "flow.target.rating.secret", "undefined field 'secret'"},
		// The did-you-mean comes from the fields of the type the name was looked up in.
		{"component", "component.typ == 'api'", "undefined field 'typ' (did you mean 'type'?)"},
		{"component", "has(component.frm)", "undefined field 'frm' (docs/custom-rules.md lists the fields of each element)"},
		{"component", "component.rating.confidentialty > 2", "undefined field 'confidentialty' (did you mean 'confidentiality'?)"},
		{"flow", "flow.source.typ == 'api'", "undefined field 'typ' (did you mean 'type'?)"},
		{"data", "data.cia_scores.integrty > 3", "undefined field 'integrty' (did you mean 'integrity'?)"},
		{"component", "model.system.nam == 'x'", "undefined field 'nam' (did you mean 'name'?)"},
		{"data", "data.cia.confidentiality", "the expression gives string, expected a boolean"},
		{"boundary", "boundary.network && boundary.components.exists(c, c.startsWith('db'))", ""},
		{"component", "component.rating.sensitive && 'web-app' in component.traits && component.network != ''", ""},
		{"component", "model.system.name == 'x' && model.counts.flows > 2", ""},
	}
	for _, tt := range tests {
		rules, problems := Parse("r.yaml", fmt.Appendf(nil, head, tt.scope, tt.condition))
		if tt.want == "" {
			if len(problems) > 0 || len(rules) != 1 {
				t.Errorf("%s: problems %v", tt.condition, problems)
			}
			continue
		}
		if len(rules) != 0 || len(problems) != 1 || !strings.Contains(problems[0].String(), tt.want) {
			t.Errorf("%s: problems %v, want %q", tt.condition, problems, tt.want)
		}
	}
}

// TestCustomRuleBudget checks that a rule at the per-evaluation cost limit
// is switched off once it has spent its budget for the run, with one error,
// and that analysis of a large model stays bounded.
func TestCustomRuleBudget(t *testing.T) {
	src := "id: acme-costly\ntitle: T\nstride: [spoofing]\nscope: component\nlikelihood: 1\nimpact: 1\ntrigger: t\nwhy: w\nmitigation: m\n" +
		"condition: \"model.controls.exists(a, model.controls.exists(b, model.controls.exists(c, a.id + b.id + c.id == 'never')))\"\n"
	rules, problems := Parse("r.yaml", []byte(src))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	m := benchModel(3000)
	for i := range 200 {
		m.Controls = append(m.Controls, model.Control{ID: fmt.Sprintf("c%d", i), Status: "implemented"})
	}
	m.Reindex()
	e := threats.NewEnv(m)
	start := time.Now()
	got := e.Identify(rules)
	elapsed := time.Since(start)
	if len(got) != 0 {
		t.Errorf("a switched-off rule raised %d threats", len(got))
	}
	fails := e.Failures()
	if len(fails) != 1 || fails[0].IsWarning() || !strings.Contains(fails[0].Message, "custom rule acme-costly was switched off") ||
		fails[0].Pos.File != "r.yaml" {
		t.Errorf("failures %v, want one error", fails)
	}
	// 3,000 evaluations at the limit take minutes (153 s measured without
	// the budget); the budget allows about 10 s of CPU. The bound leaves room
	// for a shared, loaded machine and the race detector.
	if elapsed > 60*time.Second {
		t.Errorf("analysis took %v", elapsed)
	}
}

// benchModel builds a model with n components in n/100 boundaries and 2n flows.
func benchModel(n int) *model.Model {
	m := &model.Model{Rampart: 1, System: model.System{ID: "bench", Name: "Bench"}}
	m.Data = []model.DataAsset{{ID: "pii", Classification: "confidential", Personal: true}, {ID: "logs", Classification: "internal"}}
	for b := 0; b < n/100+1; b++ {
		m.TrustBoundaries = append(m.TrustBoundaries, model.TrustBoundary{ID: fmt.Sprintf("seg-%d", b), Type: "network-segment"})
	}
	for i := 0; i < n; i++ {
		c := model.Component{ID: fmt.Sprintf("c%d", i), Type: "api", TrustBoundary: fmt.Sprintf("seg-%d", i/100),
			InternetFacing: i%10 == 0, AdminInterface: i%7 == 0, Processes: []string{"logs"}}
		if i%3 == 0 {
			c.Type, c.Stores = "database", []string{"pii"}
		}
		m.Components = append(m.Components, c)
	}
	for i := 0; i < 2*n; i++ {
		m.Flows = append(m.Flows, model.Flow{ID: fmt.Sprintf("f%d", i), From: fmt.Sprintf("c%d", i%n), To: fmt.Sprintf("c%d", (i*7+1)%n),
			Protocol: "http", DataSent: []string{"pii"}})
	}
	return m
}

// BenchmarkCustomRules runs the example rules over a 10,000-component,
// 20,000-flow model (one Identify per iteration, views rebuilt each time).
func BenchmarkCustomRules(b *testing.B) {
	rules := loadExamples(b)
	m := benchModel(10_000)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		n = len(threats.Identify(m, rules))
	}
	if n == 0 {
		b.Fatal("no threats found")
	}
	b.ReportMetric(float64(n), "threats")
}

// TestCustomRulesDocExamples keeps docs/custom-rules.md in step with the
// example rule files it shows.
func TestCustomRulesDocExamples(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "custom-rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("example rule files: %v %v", files, err)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), "```yaml\n"+string(src)+"```\n") {
			t.Errorf("docs/custom-rules.md does not show %s as it is", file)
		}
	}
	// The error messages the documentation shows are the ones the loader prints.
	_, errorsPart, ok := strings.Cut(string(doc), "\n## Errors\n")
	if !ok {
		t.Fatal("docs/custom-rules.md has no Errors section")
	}
	_, block, _ := strings.Cut(errorsPart, "```\n")
	block, _, _ = strings.Cut(block, "```")
	goldens, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.golden"))
	var all strings.Builder
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) < 3 {
		t.Fatalf("Errors section shows %d messages", len(lines))
	}
	for _, line := range lines {
		if !strings.Contains(all.String(), "testdata/invalid/"+line+"\n") {
			t.Errorf("documented message is not what the loader prints: %s", line)
		}
	}
}

// BenchmarkCustomRuleEval measures condition evaluation alone over the
// 10,000-component model: the element views are built before the timer starts.
func BenchmarkCustomRuleEval(b *testing.B) {
	rules := loadExamples(b)
	e := threats.NewEnv(benchModel(10_000))
	n := 0
	emit := func(threats.Hit) { n++ }
	for _, r := range rules {
		r.Check(e, emit)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n = 0
		for _, r := range rules {
			r.Check(e, emit)
		}
	}
	if n == 0 {
		b.Fatal("no hits")
	}
}

// TestCustomRulesConcurrent runs the same custom rules over two models at
// once (run with -race): each analysis must see its own model's views.
func TestCustomRulesConcurrent(t *testing.T) {
	rules := loadExamples(t)
	models := []*model.Model{load(t, exampleModel), benchModel(300)}
	want := make([]int, len(models))
	for i, m := range models {
		want[i] = len(threats.Identify(m, rules))
	}
	errs := make(chan string, 40)
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for k := 0; k < 5; k++ {
				i := (g + k) % len(models)
				if got := len(threats.Identify(models[i], rules)); got != want[i] {
					errs <- fmt.Sprintf("model %d: %d threats, want %d", i, got, want[i])
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// FuzzParseCustomRules checks that no rule file makes the loader panic, and
// that every problem it reports has a position in the file.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	for _, file := range append(seeds, more...) {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("condition: |\n  a\n\n  b = \n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		rules, problems := Parse("f.yaml", src)
		for _, p := range problems {
			if p.Pos.File != "f.yaml" {
				t.Errorf("problem without the file: %v", p)
			}
		}
		for _, r := range rules {
			if r.Check == nil || r.ID == "" {
				t.Errorf("incomplete rule %+v", r.Meta)
			}
		}
	})
}

// BenchmarkParseCustomRules measures loading (parsing, validating and
// compiling) the example rule file with two rules.
func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "data-handling.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if rules, _ := Parse("r.yaml", src); len(rules) != 2 {
			b.Fatal("rules did not load")
		}
	}
}

// load parses a model written inline in a test and fails on any error.
func load(t testing.TB, src string) *model.Model {
	t.Helper()
	m, problems, err := model.LoadBytes(context.Background(), "test.yaml", []byte(src), model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("test model is invalid:\n%v", errs)
	}
	return m
}
