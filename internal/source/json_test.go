package source

import (
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestParseJSONProblems checks that JSON the standard decoder would read
// silently differently (duplicate keys, invalid UTF-8) or at a wrong
// position is refused where the fault is.
func TestParseJSONProblems(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string // the first problem, rendered
		code     Code
	}{
		{"duplicate key", "{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}", `f.json:4:3: duplicate key "a" (first at line 2) (remove one of them)`, CodeDuplicateKey},
		{"duplicate key in a large object", `{"k1":1,"k2":1,"k3":1,"k4":1,"k5":1,"k6":1,"k7":1,"k8":1,"k9":1,"k10":1,` + "\n" + `"k3":2}`, `f.json:2:1: duplicate key "k3" (first at line 1) (remove one of them)`, CodeDuplicateKey},
		{"nested duplicate", "[{\"x\": {\"é\": 1, \"é\": 2}}]", `f.json:1:17: duplicate key "é" (first at line 1) (remove one of them)`, CodeDuplicateKey},
		{"invalid UTF-8", "{\n  \"name\": \"caf\xe9\"\n}", "f.json:2:15: invalid UTF-8 byte 0xe9 (save the file as UTF-8)", CodeEncoding},
		{"invalid UTF-8 after multibyte", "{\"ü\": \"ü\xff\"}", "f.json:1:9: invalid UTF-8 byte 0xff (save the file as UTF-8)", CodeEncoding},
		{"NUL in a string", "{\n\"a\": \"x\x00y\"\n}", "f.json:2:8: a NUL byte (the file must be text; a NUL byte means it is binary or was saved in UTF-16)", CodeEncoding},
		{"NUL between values", "{\"a\": 1,\n \x00}", "f.json:2:2: a NUL byte (the file must be text; a NUL byte means it is binary or was saved in UTF-16)", CodeEncoding},
		{"trailing comma", "{\n  \"a\": 1,\n}", "f.json:3:1: JSON syntax error: invalid character '}' looking for beginning of object key string (keys must be double-quoted strings; remove any trailing ',')", CodeSyntax},
		{"truncated", "{\"a\": [1, 2", "f.json:1:12: JSON syntax error: unexpected EOF (the file ends before every '{' and '[' is closed)", CodeSyntax},
		{"second value", "{}\n{}", "f.json:2:1: JSON syntax error: data after the end of the top-level value (the file must hold one JSON value)", CodeSyntax},
		{"empty", " \n", "f.json:1:1: file is empty", CodeEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := ParseJSON("f.json", []byte(tc.in), Limits{})
			if len(d.Problems) == 0 {
				t.Fatalf("no problem for %q", tc.in)
			}
			if got := d.Problems[0].String(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if d.Problems[0].Code != tc.code {
				t.Errorf("code %q, want %q", d.Problems[0].Code, tc.code)
			}
		})
	}
}

// TestParseJSONTree checks positions, tags and values of the node tree, and
// that the first of duplicate keys is the one kept.
func TestParseJSONTree(t *testing.T) {
	in := "\xef\xbb\xbf{\n  \"s\": \"a\\/b\\ud83d\\ude00\",\n  \"n\": -1.5e3, \"i\": 42,\n  \"l\": [true, null],\n  \"d\": 1, \"d\": 2\n}"
	d := ParseJSON("f.json", []byte(in), Limits{})
	if d.Root == nil || !d.JSON {
		t.Fatalf("not parsed: %v", d.Problems)
	}
	o, _ := d.Object(d.Root, "")
	for _, c := range []struct {
		key, tag, value string
		line, col       int
	}{
		{"s", "!!str", "a/b😀", 2, 8},
		{"n", "!!float", "-1.5e3", 3, 8},
		{"i", "!!int", "42", 3, 21},
		{"l", "!!seq", "", 4, 8},
		{"d", "!!int", "1", 5, 8},
	} {
		n := o.Get(c.key)
		if n == nil || n.Tag != c.tag || n.Value != c.value || n.Line != c.line || n.Column != c.col {
			t.Errorf("%s: got %+v, want %s %q at %d:%d", c.key, n, c.tag, c.value, c.line, c.col)
		}
	}
	if len(d.Problems) != 1 || d.Problems[0].Code != CodeDuplicateKey {
		t.Errorf("problems: %v", d.Problems)
	}
}

// TestParseYAMLBytes checks that bytes YAML refuses are reported at their
// position, not at 1:1 as the parser reports them.
func TestParseYAMLBytes(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"invalid UTF-8", "a: 1\nb: \"x\xc3\"\n", "f.yaml:2:6: invalid UTF-8 byte 0xc3 (save the file as UTF-8)"},
		{"NUL", "a: 1\nbb: x\x00\n", "f.yaml:2:6: a NUL byte (the file must be text; a NUL byte means it is binary or was saved in UTF-16)"},
		{"control", "a: 1\n  # é\x07\n", "f.yaml:2:6: control character U+0007 is not allowed in YAML (remove it, or write it as an escape in a double-quoted string)"},
		{"C1 control", "a: \u0090\n", "f.yaml:1:4: control character U+0090 is not allowed in YAML (remove it, or write it as an escape in a double-quoted string)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The parser refuses these too, without a useful position.
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tc.in), &n); err == nil {
				t.Fatalf("the YAML parser accepts %q: the check refuses more than YAML does", tc.in)
			}
			d := ParseYAML("f.yaml", []byte(tc.in), Limits{})
			if len(d.Problems) != 1 || d.Problems[0].String() != tc.want || d.Problems[0].Code != CodeEncoding {
				t.Errorf("got %v\nwant %s", d.Problems, tc.want)
			}
		})
	}
	// Printable characters YAML allows pass: NEL, BOM inside, astral planes.
	ok := "a: \"x\u0085y\ufeff😀\"\n"
	if d := ParseYAML("f.yaml", []byte(ok), Limits{}); d.Root == nil {
		t.Errorf("refused %q: %v", ok, d.Problems)
	}
}

// TestParseYAMLDocuments covers the document-level refusals.
func TestParseYAMLDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		code     Code
		want     string
	}{
		{"empty", "", CodeEmpty, "f.yaml:1:1: file is empty"},
		{"null", "~\n", CodeEmpty, "f.yaml:1:1: file is empty"},
		{"comments", "# only\n\n# this\n", CodeEmpty, "f.yaml:1:1: file holds only comments"},
		{"two documents", "a: 1\n---\nb: 2\n", CodeDocuments, "f.yaml:2:1: a second YAML document in the file (a file holds one document)"},
		{"syntax", "a: [1, 2\nb: 3\n", CodeSyntax, "f.yaml:1:4: YAML syntax error: '[' is not closed: did not find expected ',' or ']' (close the bracket on the same item, or write the content in block style)"},
		{"self alias", "a: &x [1, *x]\n", CodeExpansion, "f.yaml:1:11: alias '*x' refers to its own anchor, so it would expand forever (an alias may only repeat a node declared before it and outside it)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := ParseYAML("f.yaml", []byte(tc.in), Limits{})
			// A second document is reported, and the first one still read.
			if (d.Root != nil) != (tc.code == CodeDocuments) || len(d.Problems) != 1 || d.Problems[0].Code != tc.code || d.Problems[0].String() != tc.want {
				t.Errorf("got %v (code %q)\nwant %s", d.Problems, problemCode(d.Problems), tc.want)
			}
		})
	}
}

func problemCode(ps Problems) Code {
	if len(ps) == 0 {
		return ""
	}
	return ps[0].Code
}

// TestParseDetects checks that Parse picks the format from the content.
func TestParseDetects(t *testing.T) {
	if d := Parse("x", []byte("  \n[1]"), Limits{}); !d.JSON || d.Root == nil {
		t.Errorf("JSON not detected: %+v", d)
	}
	if d := Parse("x", []byte("a: [1]"), Limits{}); d.JSON || d.Root == nil {
		t.Errorf("YAML not detected: %+v", d)
	}
}

// TestProblemJSON fixes the problem's JSON form, which 'validate --format
// json' prints and editors and CI annotations read.
func TestProblemJSON(t *testing.T) {
	p := Warnf(Pos{File: "m.yaml", Line: 3, Column: 5}, CodeUnknownKey, "system.nmae", "did you mean 'name'?", "unknown key '%s'", "nmae")
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"pos":{"file":"m.yaml","line":3,"column":5},"path":"system.nmae","message":"unknown key 'nmae'","hint":"did you mean 'name'?","severity":"warning","code":"unknown_key"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back Problem
	if err := json.Unmarshal(b, &back); err != nil || back != p {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if s := p.String(); !strings.HasPrefix(s, "m.yaml:3:5: warning: system.nmae: ") {
		t.Errorf("String: %s", s)
	}
}
