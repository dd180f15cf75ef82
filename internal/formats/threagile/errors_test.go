package threagile

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rampart-sec/rampart/internal/formats"
	"github.com/rampart-sec/rampart/internal/model"
)

// base is a small valid Threagile model the error cases edit.
const base = `threagile_version: 1.0.0
title: Bad Inputs
business_criticality: important
data_assets:
  Data:
    id: data
    description: Some data
    usage: business
    quantity: few
    confidentiality: confidential
    integrity: operational
    availability: operational
technical_assets:
  Web:
    id: web
    type: process
    usage: business
    size: component
    technology: web-application
    internet: false
    machine: virtual
    encryption: none
    confidentiality: internal
    integrity: operational
    availability: operational
    data_assets_processed: [data]
    communication_links:
      Calls:
        target: db
        protocol: https
        authentication: none
        authorization: none
        usage: business
        data_assets_sent: [data]
  DB:
    id: db
    type: datastore
    usage: business
    size: component
    technology: database
    machine: virtual
    encryption: none
    confidentiality: confidential
    integrity: operational
    availability: operational
    data_assets_stored: [data]
trust_boundaries:
  Net:
    id: net
    type: network-on-prem
    technical_assets_inside: [web]
    trust_boundaries_nested: []
`

// edit applies replacements to the base model; each must match.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q not in the base model", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// TestBadFiles imports broken Threagile files and compares every problem
// (file:line:column, path, message and hint) with a reviewed golden file.
func TestBadFiles(t *testing.T) {
	cases := []struct {
		name string
		src  string
		// want is a message part that must be among the errors.
		want string
	}{
		{"valid base", base, ""},
		{"wrong version", edit(t, "threagile_version: 1.0.0", "threagile_version: 2.0.0"), "unsupported threagile_version '2.0.0'"},
		{"missing version", edit(t, "threagile_version: 1.0.0\n", ""), "missing required key 'threagile_version'"},
		{"missing asset id", edit(t, "    id: db\n", ""), "missing required key 'id'"},
		{"dangling data reference", edit(t, "data_assets_processed: [data]", "data_assets_processed: [dta]"), "unknown data asset 'dta'"},
		{"dangling link target", edit(t, "target: db", "target: dbb"), "unknown technical asset 'dbb'"},
		{"dangling boundary member", edit(t, "technical_assets_inside: [web]", "technical_assets_inside: [wbe]"), "unknown technical asset 'wbe'"},
		{"dangling nested boundary", edit(t, "trust_boundaries_nested: []", "trust_boundaries_nested: [nope]"), "unknown trust boundary 'nope'"},
		{"string for a boolean", edit(t, "internet: false", "internet: yes"), "expected true or false, found 'yes'"},
		{"scalar for a list", edit(t, "data_assets_processed: [data]", "data_assets_processed: data"), "expected a list, found 'data'"},
		{"list for a mapping", edit(t, "technical_assets:\n", "technical_assets: [a, b]\nextra_assets:\n"), "expected a mapping of technical asset by title"},
		{"mapping for a text", edit(t, "title: Bad Inputs", "title: {a: b}"), "expected a text value, found a mapping"},
		{"number for a mapping", edit(t, "  DB:\n    id: db", "  DB: 42\n  Other:\n    id: db"), "expected a technical asset (a mapping of keys), found the number 42"},
		{"tab indentation", edit(t, "    id: web\n", "\tid: web\n"), "YAML syntax error"},
		{"unclosed list", edit(t, "title: Bad Inputs", "title: [Bad Inputs"), "YAML syntax error"},
		{"unknown protocol", edit(t, "protocol: https", "protocol: htps"), "unknown value 'htps' for protocol"},
		{"unknown technology", edit(t, "technology: web-application", "technology: web-thing"), "unknown value 'web-thing' for technology"},
		{"technology alias", edit(t, "technology: web-application", "technology: web-app"), ""},
		{"unknown confidentiality", edit(t, "confidentiality: confidential\n    integrity: operational\n    availability: operational\ntechnical",
			"confidentiality: secret\n    integrity: operational\n    availability: operational\ntechnical"), "unknown value 'secret' for confidentiality"},
		{"missing protocol, misspelt key", edit(t, "protocol: https", "protocoll: https"), "missing required key 'protocol'"},
		{"duplicate data asset id", edit(t, "technical_assets:", "  Copy:\n    id: data\n    description: x\n    usage: business\n    quantity: few\n    confidentiality: public\n    integrity: archive\n    availability: archive\ntechnical_assets:"), "duplicate data asset id 'data'"},
		{"asset in two boundaries", edit(t, "    trust_boundaries_nested: []\n", "    trust_boundaries_nested: []\n  Other:\n    id: other\n    type: execution-environment\n    technical_assets_inside: [web]\n"), "already inside trust boundary 'net'"},
		{"bad date", edit(t, "title: Bad Inputs", "title: Bad Inputs\ndate: 2020-13-45"), "expected a date"},
		{"bad risk tracking", base + "risk_tracking:\n  missing-authentication@web>calls@web@db:\n    status: done\n    date: yesterday\n", "unknown value 'done' for status"},
		{"dangling individual risk", base + `individual_risk_categories:
  Odd:
    id: odd
    description: odd
    stride: spoofing
    risks_identified:
      Odd at nowhere:
        severity: low
        most_relevant_technical_asset: nowhere
`, "unknown technical asset 'nowhere'"},
		{"unknown stride", base + "individual_risk_categories:\n  Odd:\n    id: odd\n    stride: spoof\n", "unknown value 'spoof' for stride"},
		{"link to itself", edit(t, "target: db", "target: web"), ""},
		{"empty file", "", "file is empty"},
		{"root is a list", "- a\n- b\n", "expected a mapping of model sections, found a list"},
		{"two documents", base + "---\ntitle: again\n", "a second YAML document"},
	}
	// Warnings every case shares with the valid base are left out of the golden file.
	_, baseProblems, _ := Import(context.Background(), "bad.yaml", []byte(base), formats.Options{})
	common := map[string]bool{}
	for _, p := range baseProblems.Warnings() {
		common[p.Message] = true
	}
	var out strings.Builder
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, problems, err := Import(context.Background(), "bad.yaml", []byte(tc.src), formats.Options{})
			if err != nil {
				t.Fatal(err)
			}
			errs := problems.Errors()
			if tc.want == "" && len(errs) > 0 {
				t.Errorf("unexpected errors:\n%s", problemLines(errs))
			}
			if tc.want != "" && !strings.Contains(string(problemLines(errs)), tc.want) {
				t.Errorf("errors lack %q:\n%s", tc.want, problemLines(problems))
			}
			for _, p := range errs {
				if p.Pos.Line == 0 || p.Pos.File != "bad.yaml" {
					t.Errorf("error without a position in the Threagile file: %s", p)
				}
			}
			var shown model.Problems
			for _, p := range problems {
				if !p.IsWarning() || !common[p.Message] {
					shown = append(shown, p)
				}
			}
			fmt.Fprintf(&out, "== %s ==\n%s", tc.name, problemLines(shown))
		})
	}
	golden(t, "errors.golden.txt", []byte(out.String()))
}

// TestAliasBomb checks that a file multiplying content through aliases is
// refused quickly instead of expanded.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("threagile_version: 1.0.0\ntitle: Bomb\ndata_assets:\n  L0: &l0 {id: a, usage: business, quantity: few, confidentiality: public, integrity: archive, availability: archive}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&b, "  L%d: &l%d\n    <<: [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	start := time.Now()
	_, problems, err := Import(context.Background(), "bomb.yaml", []byte(b.String()), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(problemLines(problems.Errors())), "expands past") {
		t.Errorf("alias bomb not refused:\n%s", problemLines(problems))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing the alias bomb took %s", d)
	}
}

// TestIncludes merges included files, refuses cycles and reports missing files.
func TestIncludes(t *testing.T) {
	files := fstest.MapFS{
		"root.yaml": {Data: []byte(edit(t, "title: Bad Inputs", "title: Root\nincludes: [more.yaml, missing.yaml]"))},
		"more.yaml": {Data: []byte(`includes: [root.yaml]
data_assets:
  Extra:
    id: extra
    description: more data
    usage: devops
    quantity: many
    confidentiality: strictly-confidential
    integrity: critical
    availability: critical
technical_assets:
  Worker:
    id: worker
    type: process
    usage: business
    size: service
    technology: batch-processing
    machine: container
    encryption: none
    confidentiality: internal
    integrity: operational
    availability: operational
    data_assets_processed: [extra, data]
    communication_links:
      Store:
        target: db
        protocol: jdbc-encrypted
        authentication: credentials
        authorization: technical-user
        usage: devops
        data_assets_sent: [data]
`)},
	}
	opts := formats.Options{ReadFile: func(_ context.Context, path string, _ int64) ([]byte, error) {
		return fs.ReadFile(files, path)
	}}
	data, _ := fs.ReadFile(files, "root.yaml")
	m, _, problems, err := ImportMapping(context.Background(), "root.yaml", data, opts)
	if err != nil {
		t.Fatal(err)
	}
	text := string(problemLines(problems))
	for _, want := range []string{"more.yaml:1:12: includes[0]: includes form a cycle through 'root.yaml'", "root.yaml:3:23: includes[1]: cannot read include"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
	ix := m.Index()
	if ix.Components["worker"] == nil || ix.Data["extra"] == nil {
		t.Fatalf("included elements missing: %v", problems)
	}
	f := ix.Flows["worker.store"]
	if f == nil || f.Protocol != "jdbc" || f.Encryption != "tls" || f.Usage != "devops" || f.Authentication != "password" {
		t.Errorf("included link wrong: %+v", f)
	}
	if c := ix.Components["worker"]; c.Hosting != "container" || c.Type != "batch-job" || c.Pos.File != "more.yaml" {
		t.Errorf("included asset wrong: %+v", c)
	}
}

// TestRiskTrackingTranslation checks how risk_tracking keys become
// treatments: exact keys, wildcards, individual risks, unknown rules and
// keys naming unknown elements.
func TestRiskTrackingTranslation(t *testing.T) {
	src := edit(t, "type: datastore", "type: process", "technology: database", "technology: web-service-rest") + `individual_risk_categories:
  Odd:
    id: odd
    description: odd
    stride: spoofing
    risks_identified:
      Odd at DB:
        severity: low
        exploitation_likelihood: frequent
        exploitation_impact: low
        most_relevant_technical_asset: db
risk_tracking:
  missing-authentication@web>calls@web@db:
    status: in-progress
    justification: adding OAuth
    ticket: SEC-1
    date: 2024-01-02
    checked_by: Ann
  missing-authentication@*@*@*:
    status: false-positive
  odd@db:
    status: mitigated
    justification: fixed
  odd@*:
    status: accepted
  made-up-rule@web:
    status: mitigated
  missing-authentication@ghost@*@*:
    status: mitigated
  unencrypted-asset@web:
    status: in-discussion
`
	m, mp, problems, err := ImportMapping(context.Background(), "tracking.yaml", []byte(src), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("errors:\n%s", problemLines(errs))
	}
	got := map[string]model.Treatment{}
	for _, tr := range m.Treatments {
		got[tr.Threat] = tr
	}
	if tr, ok := got["missing-authentication@web.calls"]; !ok || tr.Status != "mitigating" || tr.Ticket != "SEC-1" || tr.CheckedBy != "Ann" ||
		tr.Reviewed == nil || tr.Reviewed.String() != "2024-01-02" || tr.Justification != "adding OAuth" {
		t.Errorf("exact key not translated: %+v", tr)
	}
	if tr, ok := got["odd:db"]; !ok || tr.Status != "mitigated" {
		t.Errorf("individual risk key not translated: %+v", tr)
	}
	if len(m.Treatments) != 2 {
		t.Errorf("want 2 treatments (wildcards only repeat treated threats), got %+v", m.Treatments)
	}
	if ids := mp.Risks["missing-authentication@web>calls@web@db"]; len(ids) != 1 || ids[0] != "missing-authentication@web.calls" {
		t.Errorf("mapping table lacks the exact key: %v", mp.Risks)
	}
	text := string(problemLines(problems))
	for _, want := range []string{
		"risk_tracking key 'made-up-rule@web' names rule 'made-up-rule'",
		"risk_tracking key 'missing-authentication@ghost@*@*' names 'ghost', which is no element of this model",
		"risk_tracking key 'unencrypted-asset@web' matches no threat Rampart identifies",
		"risk_tracking key 'missing-authentication@web>calls@web@db' becomes the treatment of missing-authentication@web.calls",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("warnings lack %q:\n%s", want, text)
		}
	}
	notes := strings.Join(mp.Notes("tracking.yaml"), "\n")
	if !strings.Contains(notes, "missing-authentication@web>calls@web@db -> missing-authentication@web.calls") ||
		!strings.Contains(notes, "made-up-rule@web -> (not carried") {
		t.Errorf("notes lack the key mapping:\n%s", notes)
	}
}

// TestDetect tells Threagile files from other YAML.
func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{base, true},
		{"title: x\ndata_assets: {}\ntechnical_assets: {}\n", true},
		{"rampart: 1\nsystem: {id: a, name: b}\n", false},
		{`{"otmVersion": "0.2.0"}`, false},
		{"# threagile_version: 1.0.0 in a comment\n", false},
		{`{"threagile_version": "1.0.0", "title": "json"}`, true},
		{"{\n  \"title\": \"json\",\n  \"threagile_version\": \"1.0.0\"\n}", true},
	} {
		if got := Detect([]byte(tc.src)); got != tc.want {
			t.Errorf("Detect(%.30q) = %v, want %v", tc.src, got, tc.want)
		}
	}
}

// TestRuntimeTracking tracks a risk on a shared runtime: Rampart names the
// runtime in the threat id, which is not a model element, so the tracking
// is reported instead of written as an invalid treatment.
func TestRuntimeTracking(t *testing.T) {
	src := edit(t, "trust_boundaries:", `shared_runtimes:
  Host:
    id: host
    description: a host
    technical_assets_running: [web, db]
trust_boundaries:`) + "risk_tracking:\n  mixed-targets-on-shared-runtime@host:\n    status: mitigated\n    justification: split\n"
	m, mp, problems, err := ImportMapping(context.Background(), "runtime.yaml", []byte(src), formats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := problems.Errors(); len(errs) > 0 {
		t.Fatalf("errors:\n%s", problemLines(errs))
	}
	for _, c := range m.Components {
		if c.Runtime != "host" {
			t.Errorf("%s runs on %q, want host", c.ID, c.Runtime)
		}
	}
	text := string(problemLines(problems))
	if _, ok := threatsFired(m)["mixed-targets-on-shared-runtime@host"]; ok {
		if !strings.Contains(text, "whose id names something that is not a model element") {
			t.Errorf("runtime tracking not reported:\n%s", text)
		}
	} else if !strings.Contains(text, "matches no threat Rampart identifies") {
		t.Errorf("runtime tracking not reported:\n%s", text)
	}
	if len(m.Treatments) != 0 || len(mp.Risks["mixed-targets-on-shared-runtime@host"]) != 0 {
		t.Errorf("an invalid treatment was written: %+v", m.Treatments)
	}
}
