package sigma_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
	"github.com/rampart-sec/rampart/internal/model"
)

type matchCase struct {
	Name      string   `yaml:"name"`
	Detection string   `yaml:"detection"`
	Match     []string `yaml:"match"`
	NoMatch   []string `yaml:"nomatch"`
}

func readCases(t *testing.T, file string, out any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
}

// ruleText wraps a detection section into a complete rule.
func ruleText(detection string) string {
	var b strings.Builder
	b.WriteString("title: case\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n  product: test\ndetection:\n")
	for _, l := range strings.Split(strings.TrimRight(detection, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

func TestMatchCases(t *testing.T) {
	var cases []matchCase
	readCases(t, "testdata/match_cases.yaml", &cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			rules, probs := sigma.Parse("case.yml", []byte(ruleText(c.Detection)))
			if errs := probs.Errors(); len(errs) > 0 {
				t.Fatalf("parse: %v", errs)
			}
			eng, probs := sigma.Compile(rules)
			if errs := probs.Errors(); len(errs) > 0 {
				t.Fatalf("compile: %v", errs)
			}
			m := eng.NewMatcher()
			d := event.NewDecoder()
			for _, want := range []struct {
				events []string
				match  bool
			}{{c.Match, true}, {c.NoMatch, false}} {
				for _, js := range want.events {
					var ev event.Event
					if err := d.Decode([]byte(js), &ev); err != nil {
						t.Fatalf("event %s: %v", js, err)
					}
					got := false
					m.Match(&ev, func(sigma.Match) { got = true })
					if got != want.match {
						t.Errorf("event %s: matched %v, want %v", js, got, want.match)
					}
				}
			}
		})
	}
}

type problemCase struct {
	Name        string `yaml:"name"`
	Rule        string `yaml:"rule"`
	At          string `yaml:"at"`
	Message     string `yaml:"message"`
	Hint        string `yaml:"hint"`
	Unsupported bool   `yaml:"unsupported"`
}

func TestProblemCases(t *testing.T) {
	var cases []problemCase
	readCases(t, "testdata/problem_cases.yaml", &cases)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			rules, probs := sigma.Parse("case.yml", []byte(c.Rule))
			errs := probs.Errors()
			if len(errs) == 0 {
				_, cprobs := sigma.Compile(rules)
				errs = cprobs.Errors()
			}
			if len(errs) == 0 {
				t.Fatal("no problem reported")
			}
			p := errs[0]
			if got := fmt.Sprintf("%d:%d", p.Pos.Line, p.Pos.Column); got != c.At || p.Pos.File != "case.yml" {
				t.Errorf("at %s:%s, want case.yml:%s (%s)", p.Pos.File, got, c.At, p)
			}
			if !strings.Contains(p.Message, c.Message) {
				t.Errorf("message %q, want it to contain %q", p.Message, c.Message)
			}
			if !strings.Contains(p.Hint, c.Hint) {
				t.Errorf("hint %q, want it to contain %q", p.Hint, c.Hint)
			}
			if sigma.IsUnsupported(p) != c.Unsupported {
				t.Errorf("unsupported %v, want %v (%s)", sigma.IsUnsupported(p), c.Unsupported, p)
			}
		})
	}
}

func modelPos(line, col int) model.Pos { return model.Pos{File: "f.yml", Line: line, Column: col} }
