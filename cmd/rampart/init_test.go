package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

// runIn runs the CLI in-process with stdin text and returns the exit code
// and outputs.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestInitWritesValidModels(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags []string
		want  []string // text the model must contain
	}{
		{"defaults", nil, []string{"id: my-system", "internet_facing: true", "waf"}},
		{"internal with personal data", []string{"--internet-facing=false", "--personal-data"},
			[]string{"internet_facing: false", "personal: true", "privacy: low", "network-on-premises"}},
		{"internet facing with personal data", []string{"--personal-data", "--name", "Payments API", "--owner", "team-payments", "--risk-owner", "jane.doe"},
			[]string{"id: payments-api", `name: "Payments API"`, "owner: team-payments", "risk_owner: jane.doe", "personal: true"}},
		{"awkward text", []string{"--name", "Billing: \"v2\"\n# injected: true", "--owner", "yes", "--risk-owner", "Jane Doe <jane@example.com>"},
			[]string{"id: billing-v2-injected-true", `owner: "yes"`, `risk_owner: "Jane Doe \u003cjane@example.com\u003e"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rampart.yaml")
			code, _, stderr := runIn(t, "", append([]string{"init", path}, tc.flags...)...)
			if code != exitOK {
				t.Fatalf("exit %d, stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, "wrote "+path) {
				t.Errorf("stderr %q does not say what was written", stderr)
			}
			m, problems, err := model.Load(context.Background(), path, model.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) > 0 {
				t.Fatalf("starter model has problems:\n%s", problems.Error())
			}
			if m.System.ID == "" || len(m.Components) == 0 || len(m.Flows) == 0 {
				t.Errorf("starter model is empty")
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(data), w) {
					t.Errorf("model lacks %q:\n%s", w, data)
				}
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if len(names) != 2 || !slices.Contains(names, filepath.Base(path)) || !slices.Contains(names, "rampart.schema.json") {
				t.Errorf("init left %v in the directory, want only the model and its schema", names)
			}
		})
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rampart.yaml")
	if err := os.WriteFile(path, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runIn(t, "", "init", path)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr, "already exists") || !strings.Contains(stderr, "--force") {
		t.Errorf("stderr %q does not explain the refusal", stderr)
	}
	if data, _ := os.ReadFile(path); string(data) != "mine\n" {
		t.Errorf("file was changed to %q", data)
	}
	code, _, stderr = runIn(t, "", "init", "--force", path)
	if code != exitOK {
		t.Fatalf("--force: exit %d, stderr %s", code, stderr)
	}
	if data, _ := os.ReadFile(path); !strings.HasPrefix(string(data), "# yaml-language-server") {
		t.Errorf("--force did not write the starter model: %q", data)
	}
}

func TestInitDefaultFileName(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, stderr := runIn(t, "", "init"); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "rampart.yaml")); err != nil {
		t.Errorf("rampart.yaml not written: %v", err)
	}
}

func TestAskInit(t *testing.T) {
	defaults := initAnswers{Name: "My system", Owner: "my-team", RiskOwner: "risk-owner", InternetFacing: true}
	none := func(string) bool { return false }
	var out bytes.Buffer
	got, err := askInit(context.Background(), strings.NewReader("Shop\n\nmaria\nmaybe\nn\nyes\n"), &out, defaults, none)
	if err != nil {
		t.Fatal(err)
	}
	want := initAnswers{Name: "Shop", Owner: "my-team", RiskOwner: "maria", InternetFacing: false, PersonalData: true}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if !strings.Contains(out.String(), "please answer y or n") || !strings.Contains(out.String(), "System name [My system]") {
		t.Errorf("prompts: %q", out.String())
	}
	// Flags already given are not asked; end of input keeps the defaults.
	given := func(f string) bool { return f == "name" }
	got, err = askInit(context.Background(), strings.NewReader(""), &bytes.Buffer{}, defaults, given)
	if err != nil {
		t.Fatal(err)
	}
	if got != defaults {
		t.Errorf("empty input: got %+v, want the defaults", got)
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Payments API": "payments-api", "  --x--  ": "x", "": "my-system", "Ünïcode 2": "n-code-2", "a/b_c": "a-b-c",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInitWritesSchema: init writes the schema its starter's first line
// names, and keeps one that is already there.
func TestInitWritesSchema(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rampart.yaml")
	code, out, errOut := runIn(t, "", "init", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, err := model.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "rampart.schema.json"))
	if err != nil {
		t.Fatalf("init wrote no schema: %v\n%s", err, out)
	}
	if string(got) != string(want)+"\n" {
		t.Error("the schema init wrote differs from 'rampart schema'")
	}
	// Every file written is named on stderr in the same words.
	for _, w := range []string{"wrote " + path + " (starter model)\n", "wrote " + filepath.Join(dir, "rampart.schema.json") + " (editor completion"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	mine := filepath.Join(dir, "b.yaml")
	if err := os.WriteFile(filepath.Join(dir, "rampart.schema.json"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runIn(t, "", "init", mine)
	if code != exitOK || !strings.Contains(out, "kept ") {
		t.Errorf("second init: exit %d, output %q", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "rampart.schema.json")); string(b) != "{}\n" {
		t.Error("init replaced an existing schema file without --force")
	}
}

// stepControls matches the starter model's comment naming the controls of
// its one documented step, e.g. "here, e.g. a, b, c."
var stepControls = regexp.MustCompile(`e\.g\. ([a-z-]+(?:, [a-z-]+)*)\.$`)

// TestInitPassesCheckAfterOneStep takes the one step the starter model
// documents (list the controls its comments name, each in the controls list
// that follows the comment) and checks that the gate then passes, for every
// variant of the starter.
func TestInitPassesCheckAfterOneStep(t *testing.T) {
	for _, flags := range [][]string{nil, {"--internet-facing=false"}, {"--personal-data"}, {"--internet-facing=false", "--personal-data"}} {
		t.Run(strings.Join(append([]string{"init"}, flags...), " "), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rampart.yaml")
			if code, _, stderr := runIn(t, "", append([]string{"init", path}, flags...)...); code != exitOK {
				t.Fatalf("init: exit %d, stderr: %s", code, stderr)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(data), "\n")
			var pending []string
			steps := 0
			for i, l := range lines {
				if m := stepControls.FindStringSubmatch(strings.TrimSpace(l)); m != nil && strings.HasPrefix(strings.TrimSpace(l), "#") {
					pending = strings.Split(m[1], ", ")
					continue
				}
				if pending != nil && strings.HasPrefix(strings.TrimSpace(l), "controls: [") {
					lines[i] = strings.TrimSuffix(l, "]") + ", " + strings.Join(pending, ", ") + "]"
					pending = nil
					steps++
				}
			}
			if steps == 0 || pending != nil {
				t.Fatalf("the starter documents no step, or a step without a controls list to take it in:\n%s", data)
			}
			if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, out, stderr := runIn(t, "", "check", path); code != exitOK {
				t.Errorf("check after the documented step: exit %d\n%s%s\nmodel:\n%s", code, out, stderr, strings.Join(lines, "\n"))
			}
		})
	}
}
