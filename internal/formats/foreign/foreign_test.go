package foreign

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-sec/rampart/internal/model"
)

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncdé\nf")
	cases := []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {7, 2, 4}, {9, 3, 2}, {99, 3, 2}}
	for _, c := range cases {
		if l, col := LineCol(data, c.off); l != c.line || col != c.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func TestSlugAndSanitize(t *testing.T) {
	cases := []struct{ in, slug, sanitized string }{
		{"Web\nApplication", "web-application", "Web-Application"},
		{"(1) Customer logs in", "1-customer-logs-in", "1-Customer-logs-in"},
		{"db.main", "db-main", "db.main"},
		{"  ", "", ""},
		{"missing-authentication@a+b", "missing-authentication-a-b", "missing-authentication-a-b"},
	}
	for _, c := range cases {
		if got := Slug(c.in); got != c.slug {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.slug)
		}
		if got := Sanitize(c.in); got != c.sanitized {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.sanitized)
		}
	}
	if s := Sanitize(strings.Repeat("é", 200) + strings.Repeat("a", 200)); len(s) > MaxIDLen || !ValidID(s) {
		t.Errorf("long id sanitised to %q", s)
	}
}

func TestIDsTake(t *testing.T) {
	ids := NewIDs()
	got := []string{ids.Take("x", "web"), ids.Take("x", "web"), ids.Take("x", ""), ids.Take("", "", ""), ids.Take("x", "web")}
	want := []string{"web", "web-2", "x", "element", "web-3"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Take gave %v, want %v", got, want)
	}
}

func TestUUID(t *testing.T) {
	a, b := UUID("threat", "T-1"), UUID("threat", "T-1")
	if a != b || !IsUUID(a) || a == UUID("threat", "T-2") || a[14] != '5' {
		t.Errorf("UUID not stable, valid and version 5: %s %s", a, b)
	}
}

func TestParseProblems(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"empty", "  \n", "x:1:1: file is empty"},
		{"json trailing comma", "{\n  \"a\": 1,\n}", "x:3:1: JSON syntax error"},
		{"json unclosed", "{\"a\": [1, 2", "x:1:12: JSON syntax error: unexpected EOF"},
		{"json extra", "{} {}", "x:1:4: JSON syntax error: data after the end"},
		{"yaml tab", "a:\n\tb: 1\n", "x:2:"},
		{"two documents", "a: 1\n---\nb: 2\n", "x:2:1: a second YAML document"},
		{"json duplicate key", "{\"a\": \"first\", \"a\": \"last\"}", "x:1:16: duplicate key \"a\" (first at line 1)"},
		{"json invalid UTF-8", "{\n  \"a\": \"caf\xe9\"\n}", "x:2:12: invalid UTF-8 byte 0xe9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Parse("x", []byte(c.src), 0)
			if len(d.Problems) == 0 || !strings.HasPrefix(d.Problems[0].String(), c.want) {
				t.Errorf("problems %v, want a first one starting %q", d.Problems, c.want)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	d := Parse("x", []byte(`{"s": "v", "n": 3, "b": true, "a": [1, "x"], "o": {"k": null}}`), 0)
	o, ok := d.Object(d.Root, "")
	if !ok {
		t.Fatal("root is not an object")
	}
	if o.Str("s", true) != "v" || o.Bool("b") != true {
		t.Error("string or bool")
	}
	if n, ok := o.Num("n", true); !ok || n != 3 {
		t.Error("number")
	}
	o.Str("n", false)      // wrong type
	o.Bool("s")            // wrong type
	o.Str("missing", true) // missing
	if got := o.Strs("a"); len(got) != 1 || got[0] != "x" {
		t.Errorf("Strs = %v", got)
	}
	want := []string{
		"x:1:17: n: expected a string, found a number (3)",
		"x:1:7: s: expected a boolean, found a string (\"v\") (write true or false)",
		"x:1:1: missing: missing required key 'missing'",
		"x:1:37: a[0]: expected a string, found a number (1)",
	}
	var got []string
	for _, p := range d.Problems {
		got = append(got, p.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestArrange(t *testing.T) {
	m := &model.Model{
		Components: []model.Component{{ID: "user", Type: "user"}, {ID: "web", Type: "process"}, {ID: "db", Type: "database"}, {ID: "log", Type: "log-store"}},
		TrustBoundaries: []model.TrustBoundary{{ID: "outer", Type: "vpc", Contains: []string{"inner", "web"}},
			{ID: "inner", Type: "network-segment", Contains: []string{"db"}}, {ID: "empty", Type: "network-segment"}},
		Flows: []model.Flow{{ID: "f1", From: "user", To: "web"}, {ID: "f2", From: "web", To: "db"}, {ID: "f3", From: "db", To: "log"}},
	}
	l := Arrange(m, func(*model.Component) (float64, float64) { return 100, 60 })
	in := func(a, b Rect) bool { return a.X >= b.X && a.Y >= b.Y && a.X+a.W <= b.X+b.W && a.Y+a.H <= b.Y+b.H }
	overlap := func(a, b Rect) bool { return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H }
	if !in(l.Nodes["db"], l.Boxes["inner"]) || !in(l.Boxes["inner"], l.Boxes["outer"]) || !in(l.Nodes["web"], l.Boxes["outer"]) {
		t.Errorf("boxes do not enclose their members: %+v", l)
	}
	if in(l.Nodes["user"], l.Boxes["outer"]) || overlap(l.Nodes["log"], l.Boxes["outer"]) || overlap(l.Boxes["empty"], l.Boxes["outer"]) {
		t.Errorf("non-members inside a box: %+v", l)
	}
	if !(l.Nodes["user"].X < l.Nodes["web"].X) {
		t.Errorf("entry point not left of its callee: %+v", l)
	}
	if l.Boxes["empty"].W == 0 {
		t.Error("empty boundary has no box")
	}
}

// TestJSONEscapes checks JSON that YAML parsers refuse: the \/ escape and
// surrogate pairs (as Python writes them).
func TestJSONEscapes(t *testing.T) {
	cases := []struct{ src, want string }{
		{`{"a": "x\/y"}`, "x/y"},
		{`{"a": "\ud83d\ude00 \u00e9"}`, "😀 é"},
		{"{\n  \"é\": 1,\n  \"a\": \"tab\\there\"}", "tab\there"},
	}
	for _, c := range cases {
		d := Parse("x", []byte(c.src), 0)
		o, ok := d.Object(d.Root, "")
		if !ok || len(d.Problems) > 0 {
			t.Fatalf("%s: %v", c.src, d.Problems)
		}
		if got := o.Str("a", true); got != c.want {
			t.Errorf("%s: got %q, want %q", c.src, got, c.want)
		}
	}
	d := Parse("x", []byte("{\n  \"é\": 1,\n  \"a\": true}"), 0)
	o, _ := d.Object(d.Root, "")
	if v := o.Get("a"); v.Line != 3 || v.Column != 8 {
		t.Errorf("position of a = %d:%d, want 3:8", v.Line, v.Column)
	}
}

// TestAliasBombRefused checks that a YAML document multiplying content
// through aliases is refused when it is parsed, before any importer reads it.
func TestAliasBombRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	d := Parse("bomb.yaml", []byte(b.String()), 0)
	if d.Root != nil || len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Message, "expands past") {
		t.Errorf("alias bomb not refused: %v", d.Problems)
	}
}
