package sigma_test

import (
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/detect/event"
	"github.com/rampart-sec/rampart/internal/detect/sigma"
)

// FuzzParseRule: any rule text parses, or fails with positioned problems,
// and what parses compiles and matches without panicking.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{
		ruleText("sel:\n  a|contains|all: [x, y]\ncondition: sel"),
		ruleText("sel:\n  - a|re|i: '^x'\n  - b|cidr: 10.0.0.0/8\nkw:\n  - foo\ncondition: 1 of them and not kw"),
		ruleText("sel:\n  a|base64offset|contains: x\n  b|windash: -x\n  c|fieldref: a\ncondition: sel | count() > 3"),
		"title: t\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5m\n  condition: {gte: 2}\n",
		"action: global\ntitle: t\n---\nlogsource: {product: p}\ndetection: {s: {a: 1}, condition: s}\n",
		"title: t\nlogsource: {}\nfilter:\n  rules: [a]\n  s: {a: null}\n  condition: not s\n",
	} {
		f.Add([]byte(s))
	}
	var ev event.Event
	_ = event.NewDecoder().Decode([]byte(`{"a":"x y","b":"10.1.1.1","c":"-x","EventID":1}`), &ev)
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, probs := sigma.Parse("f.yml", data)
		for _, p := range probs {
			if p.Pos.File != "f.yml" || p.Message == "" {
				t.Fatalf("problem without file or message: %+v", p)
			}
		}
		eng, _ := sigma.Compile(rules)
		eng.NewMatcher().Match(&ev, func(sigma.Match) {})
	})
}

// FuzzCondition: any condition parses or fails with a position inside
// the condition, never panics.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{"a and not (b or c)", "1 of sel_* and all of them", "a | count(x) by y > 3", "((((a))))", "not not a", "all of filter_* or", "a b", "1 of"} {
		f.Add(s)
	}
	searches := map[string]*sigma.Search{"a": {}, "b": {}, "c": {}, "sel_1": {}, "sel_2": {}, "_x": {}}
	f.Fuzz(func(t *testing.T, text string) {
		c := sigma.Condition{Text: text, Pos: modelPos(3, 14), Path: "detection.condition"}
		e, p := sigma.ParseCondition(c, searches)
		if p == nil && e == nil {
			t.Fatal("neither an expression nor a problem")
		}
		if p != nil && (p.Pos.Line != 3 || p.Pos.Column < 14 || p.Pos.Column > 14+len(text)) {
			t.Fatalf("problem outside the condition: %+v", p)
		}
		if p != nil && strings.TrimSpace(p.Message) == "" {
			t.Fatal("problem without a message")
		}
	})
}
