package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodeTable runs every command that reads a model on a valid, an
// invalid and a missing model, and with a usage error: 0 ok, 1 invalid
// model, 2 usage error or unreadable input, for all of them alike.
func TestExitCodeTable(t *testing.T) {
	valid := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1))
	invalid := writeModel(t, "rampart: 1\nsystem: {id: x, name: X}\ncomponents:\n  - {id: a, type: bogus}\n")
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	out := t.TempDir()
	commands := map[string]func(model string) []string{
		"validate": func(m string) []string { return []string{"validate", m} },
		"analyze": func(m string) []string {
			return []string{"analyze", m, "-f", "json", "-o", filepath.Join(out, "a.json")}
		},
		"check":   func(m string) []string { return []string{"check", m} },
		"report":  func(m string) []string { return []string{"report", m, "-f", "csv", "-o", filepath.Join(out, "r.csv")} },
		"diagram": func(m string) []string { return []string{"diagram", m, "-f", "dot", "-o", filepath.Join(out, "d.dot")} },
		"export": func(m string) []string {
			return []string{"export", "--to", "otm", m, "-o", filepath.Join(out, "m.otm.json")}
		},
		"attack-tree": func(m string) []string { return []string{"attack-tree", m, "-o", filepath.Join(out, "t.dot")} },
		"diff":        func(m string) []string { return []string{"diff", valid, m} },
	}
	// Commands that talk to a server read the model first: no server is
	// needed to see how they treat an invalid or missing one.
	for _, cmd := range []string{"push", "pull"} {
		for _, tc := range []struct {
			what  string
			model string
			code  int
		}{{"invalid model", invalid, exitFindings}, {"missing model", missing, exitUsage}} {
			t.Run(cmd+"/"+tc.what, func(t *testing.T) {
				code, stdout, stderr := runCLI(t, cmd, "--server", "http://127.0.0.1:9", tc.model)
				if code != tc.code {
					t.Errorf("exit %d, want %d\nstdout: %.300s\nstderr: %.300s", code, tc.code, stdout, stderr)
				}
			})
		}
	}
	for name, args := range commands {
		for _, tc := range []struct {
			what string
			args []string
			code int
		}{
			{"valid model", args(valid), exitOK},
			{"invalid model", args(invalid), exitFindings},
			{"missing model", args(missing), exitUsage},
			{"unknown flag", append(args(valid), "--bogus"), exitUsage},
		} {
			t.Run(name+"/"+tc.what, func(t *testing.T) {
				code, stdout, stderr := runCLI(t, tc.args...)
				if code != tc.code {
					t.Errorf("exit %d, want %d\nstdout: %.300s\nstderr: %.300s", code, tc.code, stdout, stderr)
				}
			})
		}
	}
}

func TestSuggestions(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"subcommand", []string{"anlyze", model}, "Did you mean this?\n\tanalyze"},
		{"flag", []string{"analyze", model, "--fromat", "json"}, "unknown flag: --fromat (did you mean --format?)"},
		{"format value", []string{"analyze", model, "-f", "jsn"}, "did you mean 'json'?"},
		{"out value", []string{"analyze", model, "--out", "sarf=x.sarif"}, "did you mean 'sarif'?"},
		{"severity value", []string{"analyze", model, "--min-severity", "hgh"}, "did you mean 'high'?"},
		{"status value", []string{"analyze", model, "--status", "opn"}, "did you mean 'open'?"},
		{"from value", []string{"validate", "--from", "threagle", model}, "threagile"},
		{"rule id by its words", []string{"explain", "sql-injection"}, "did you mean 'sql-nosql-injection'?"},
		{"rule id by spelling", []string{"explain", "missing-wfa"}, "did you mean 'missing-waf'?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tc.want)
			}
		})
	}
}

func TestSuggestID(t *testing.T) {
	rules := []string{"ldap-injection", "sql-nosql-injection", "search-query-injection", "missing-waf", "missing-vault"}
	for _, tc := range []struct{ word, want string }{
		{"sql-injection", "sql-nosql-injection"},
		{"query-injection", "search-query-injection"},
		{"missing-wfa", "missing-waf"},
		{"ldap-injecton", "ldap-injection"},
		{"zzz", ""},
	} {
		if got := suggestID(tc.word, rules); got != tc.want {
			t.Errorf("suggestID(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
		not  string
	}{
		{"rule ids", []string{"__complete", "explain", "sql"}, []string{"sql-nosql-injection"}, "ldap-injection"},
		{"formats", []string{"__complete", "analyze", "x.yaml", "-f", ""}, []string{"json", "pdf", "sarif", "svg", "table"}, ""},
		{"element ids", []string{"__complete", "diagram", "../../examples/online-shop.yaml", "--highlight", "cdn-waf,shop"},
			[]string{"cdn-waf,shop-api"}, "storefront"},
		{"severities", []string{"__complete", "analyze", "x.yaml", "--min-severity", ""}, []string{"critical"}, ""},
		{"statuses, the last of a list", []string{"__complete", "analyze", "x.yaml", "--status", "open,mit"}, []string{"open,mitigating", "open,mitigated"}, "accepted"},
		{"out formats", []string{"__complete", "analyze", "x.yaml", "--out", "sa"}, []string{"sarif="}, "json"},
		{"out file after the format", []string{"__complete", "analyze", "x.yaml", "--out", "pdf="}, []string{":0"}, "sarif"},
		{"path rank is no file", []string{"__complete", "diagram", "x.yaml", "--highlight-path", ""}, []string{":4"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, _ := runCLI(t, tc.args...)
			for _, w := range tc.want {
				if !strings.Contains(out, w+"\n") {
					t.Errorf("completions lack %q:\n%s", w, out)
				}
			}
			if tc.not != "" && strings.Contains(out, tc.not) {
				t.Errorf("completions offer %q:\n%s", tc.not, out)
			}
		})
	}
}

func TestModelArguments(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a", "rampart.yaml")
	b := filepath.Join(dir, "b", "payments.yaml")
	for _, p := range []string{a, b} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(strings.Replace(gateModel, "APPETITE", "low", 1)), 0o644)
	}
	// A fragment (no 'rampart:' key) is not a model of its own.
	os.WriteFile(filepath.Join(dir, "b", "fragment.yaml"), []byte("data:\n  - {id: x, classification: public}\n"), 0o644)
	for _, tc := range []struct {
		name string
		dir  string // working directory
		args []string
		code int
		want []string
	}{
		{"validate with no argument reads rampart.yaml", filepath.Dir(a), []string{"validate"}, exitOK, []string{"rampart.yaml: ok"}},
		{"no argument and no rampart.yaml", t.TempDir(), []string{"validate"}, exitUsage, []string{"no model named and no rampart.yaml here", "rampart init"}},
		{"a directory is its rampart.yaml", "", []string{"validate", filepath.Dir(a)}, exitOK, []string{a + ": ok"}},
		{"several models", "", []string{"validate", a, b}, exitOK, []string{a + ": ok", b + ": ok"}},
		{"a folder of models", "", []string{"validate", dir}, exitOK, []string{a + ": ok", b + ": ok"}},
		{"analyze a folder into one summary", "", []string{"analyse", dir}, exitOK,
			[]string{"MODEL", "ABOVE APPETITE", a, b, "total (2 models)"}},
		{"check a folder", "", []string{"check", dir}, exitFindings, []string{a + ": ", b + ": ", "open threat(s) above the risk appetite:"}},
		{"a folder with no models", "", []string{"analyze", t.TempDir()}, exitUsage, nil},
		{"several models to a file", "", []string{"analyze", dir, "-o", filepath.Join(dir, "x.json")}, exitUsage, nil},
		{"model from stdin", "", []string{"validate", "-"}, exitFindings, []string{"<stdin>:1:1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.dir != "" {
				t.Chdir(tc.dir)
			}
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, stdout, stderr)
				}
			}
		})
	}
	code, stdout, stderr := runIn(t, strings.Replace(gateModel, "APPETITE", "low", 1), "analyze", "-", "-f", "csv")
	if code != exitOK || !strings.Contains(stdout, "missing-authentication@u-a") {
		t.Errorf("analyze -: exit %d %s", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	_, a, _ := runCLI(t, "version")
	_, b, _ := runCLI(t, "--version")
	if a != b || !strings.HasPrefix(a, "rampart ") || !strings.Contains(a, "(model schema 1)") {
		t.Errorf("version %q, --version %q", a, b)
	}
}

// TestSummaryMode: --summary makes the documents an executive summary,
// from report and from analyze --out alike.
func TestSummaryMode(t *testing.T) {
	dir := t.TempDir()
	model := "../../examples/online-shop.yaml"
	full, summary := filepath.Join(dir, "full.html"), filepath.Join(dir, "summary.html")
	for _, args := range [][]string{
		{"report", model, "-o", full},
		{"report", model, "--summary", "-o", summary},
		{"analyze", model, "--summary", "--out", "html=" + filepath.Join(dir, "analyze.html")},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	f, _ := os.ReadFile(full)
	s, _ := os.ReadFile(summary)
	a, _ := os.ReadFile(filepath.Join(dir, "analyze.html"))
	if len(s) == 0 || len(s) >= len(f) || len(a) != len(s) {
		t.Errorf("summary %d bytes (analyze --out: %d), full report %d: want the same, shorter summary", len(s), len(a), len(f))
	}
}

// TestOneInputLayer feeds the same broken YAML to every reader of
// structured input (the model loader, the YAML importers, the custom-rule
// loader): each reports the syntax error in the same words at the same
// line and column, and each refuses an alias bomb.
func TestOneInputLayer(t *testing.T) {
	const broken = "  name: [unclosed\n"
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e", "f"} {
		name := string(rune('b' + i))
		bomb += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
	}
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1))
	readers := []struct {
		name, head string
		args       func(path string) []string
		rules      bool
	}{
		{"model", "rampart: 1\nsystem:\n", func(p string) []string { return []string{"validate", p} }, false},
		{"otm-yaml", "otmVersion: 0.2.0\nproject:\n", func(p string) []string { return []string{"import", "--from", "otm-yaml", p} }, false},
		{"threagile", "threagile_version: 1.0.0\ntitle:\n", func(p string) []string { return []string{"import", "--from", "threagile", p} }, false},
		{"custom rules", "id: acme-x\ntitle:\n", func(dir string) []string { return []string{"analyze", model, "--rules", dir, "-o", os.DevNull} }, true},
	}
	for _, r := range readers {
		for _, tc := range []struct{ what, body, want, phrase string }{
			{"syntax error", broken, ":3:9: YAML syntax error: '[' is not closed: did not find expected ',' or ']' (close the bracket", ""},
			// The model loader says "the model expands", the others "the document".
			{"alias bomb", bomb, ":7:44: the ", " expands past 100000 nodes through aliases (anchors and aliases may repeat content, but not multiply it"},
		} {
			t.Run(r.name+"/"+tc.what, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "in.yaml")
				if err := os.WriteFile(path, []byte(r.head+tc.body), 0o600); err != nil {
					t.Fatal(err)
				}
				arg := path
				if r.rules {
					arg = dir
				}
				code, stdout, stderr := runCLI(t, r.args(arg)...)
				out := stdout + stderr
				if code == exitOK || !strings.Contains(out, "in.yaml"+tc.want) || !strings.Contains(out, tc.phrase) {
					t.Errorf("exit %d, output:\n%s\nwant %q after the file name, and %q", code, out, tc.want, tc.phrase)
				}
			})
		}
	}
}
