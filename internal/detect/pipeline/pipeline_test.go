package pipeline

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
)

const rule = `title: t
id: 11111111-1111-1111-1111-111111111111
logsource:
  product: windows
  category: process_creation
detection:
  sel:
    Image|endswith: '\cmd.exe'
    User|expand: '%admins%'
  condition: sel
`

func matches(t *testing.T, pls []*Pipeline, ruleText, js string) bool {
	t.Helper()
	rules, probs := sigma.Parse("r.yml", []byte(ruleText))
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	for _, p := range pls {
		rules, probs = p.Apply(rules)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
	}
	eng, probs := sigma.Compile(rules)
	if len(probs.Errors()) > 0 {
		t.Fatal(probs)
	}
	var ev event.Event
	if err := event.NewDecoder().Decode([]byte(js), &ev); err != nil {
		t.Fatal(err)
	}
	got := false
	eng.NewMatcher().Match(&ev, func(sigma.Match) { got = true })
	return got
}

func mustParse(t *testing.T, text string) *Pipeline {
	t.Helper()
	p, probs := Parse("p.yml", []byte(text))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return p
}

func TestPipelines(t *testing.T) {
	placeholders := mustParse(t, "name: vars\nvars:\n  admins: [alice, 'bob*']\ntransformations:\n  - type: value_placeholders\n")
	win, err := Builtin("windows")
	if err != nil {
		t.Fatal(err)
	}
	ecs, err := Builtin("ecs-windows")
	if err != nil {
		t.Fatal(err)
	}
	mapping := mustParse(t, `name: m
transformations:
  - type: field_name_mapping
    mapping:
      Image: [proc.exe, proc.path]
    rule_conditions:
      - type: logsource
        category: process_creation
  - type: change_logsource
    product: custom
`)
	sysmon := `{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Image":"C:\\cmd.exe","User":"Alice"}`
	cases := []struct {
		name string
		pls  []*Pipeline
		js   string
		want bool
	}{
		{"placeholder values", []*Pipeline{placeholders}, `{"Image":"C:\\cmd.exe","User":"bob*"}`, true},
		{"placeholder value is literal", []*Pipeline{placeholders}, `{"Image":"C:\\cmd.exe","User":"bobby"}`, false},
		{"windows log source conditions", []*Pipeline{placeholders, win}, sysmon, true},
		{"windows log source: wrong event id", []*Pipeline{placeholders, win}, strings.Replace(sysmon, `"EventID":1`, `"EventID":3`, 1), false},
		{"ECS names after windows", []*Pipeline{placeholders, win, ecs}, `{"winlog":{"channel":"Microsoft-Windows-Sysmon/Operational"},"event":{"code":1},"process":{"executable":"C:\\cmd.exe"},"user":{"name":"alice"}}`, true},
		{"one-to-many mapping", []*Pipeline{placeholders, mapping}, `{"proc":{"path":"C:\\cmd.exe"},"User":"alice"}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matches(t, c.pls, rule, c.js); got != c.want {
				t.Errorf("matched %v, want %v", got, c.want)
			}
		})
	}
}

func TestPipelineProblems(t *testing.T) {
	_, probs := Parse("p.yml", []byte("name: x\ntransformations:\n  - type: field_name_maping\n    mapping: {a: b}\n"))
	if len(probs) != 1 || probs[0].Pos.Line != 3 || probs[0].Pos.Column != 11 || !strings.Contains(probs[0].Hint, "field_name_mapping") {
		t.Fatalf("problems %v", probs)
	}
	fail := mustParse(t, "name: f\ntransformations:\n  - type: rule_failure\n    message: no process logs here\n    rule_conditions:\n      - type: logsource\n        category: process_creation\n")
	rules, _ := sigma.Parse("r.yml", []byte(rule))
	out, probs := fail.Apply(rules)
	if len(out) != 0 || len(probs) != 1 || !sigma.IsUnsupported(probs[0]) || !strings.Contains(probs[0].Message, "no process logs") {
		t.Fatalf("rule_failure: %d rules, %v", len(out), probs)
	}
}
