package source

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// FuzzParseJSON feeds arbitrary bytes to the JSON parser. It must never
// panic; every problem must have a full position inside the input; input
// it accepts must be what the standard decoder accepts, valid UTF-8
// without NUL bytes, and the tree must hold the same values the standard
// decoder reads (the first of duplicate keys, which are reported).
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": 1, "b": [true, null, "x"], "c": {"d": -1.5e3}}`,
		"{\n  \"a\": 1,\n  \"a\": 2\n}",
		`["\u00e9\ud83d\ude00", "a\/b"]`,
		"{\"a\": \"caf\xe9\"}",
		"[1, 2,]",
		`{"k1":1,"k2":1,"k3":1,"k4":1,"k5":1,"k6":1,"k7":1,"k8":1,"k9":1,"k10":1,"k3":2}`,
		"\xef\xbb\xbf{}",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := ParseJSON("f.json", data, Limits{})
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, p := range d.Problems {
			if p.Pos.File != "f.json" || p.Pos.Line < 1 || p.Pos.Line > lines || p.Pos.Column < 1 || p.Message == "" || p.Code == "" {
				t.Fatalf("problem without a full position, message and code: %+v", p)
			}
		}
		if d.Root == nil {
			if len(d.Problems) == 0 {
				t.Fatal("no tree and no problem")
			}
			return
		}
		body := bytes.TrimPrefix(data, bom)
		if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
			t.Fatalf("accepted invalid UTF-8 or a NUL byte: %q", data)
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("accepted what encoding/json refuses (%v): %q", err, data)
		}
		dups := 0
		for _, p := range d.Problems {
			if p.Code == CodeDuplicateKey {
				dups++
			}
		}
		if dups == 0 && !sameValue(d.Root, want) {
			t.Fatalf("tree differs from encoding/json's reading of %q", data)
		}
	})
}

// sameValue compares a node tree with a value decoded by encoding/json.
func sameValue(n *yaml.Node, v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if n.Kind != yaml.MappingNode || len(n.Content) != 2*len(v) {
			return false
		}
		for i := 0; i < len(n.Content); i += 2 {
			w, ok := v[n.Content[i].Value]
			if !ok || !sameValue(n.Content[i+1], w) {
				return false
			}
		}
		return true
	case []any:
		if n.Kind != yaml.SequenceNode || len(n.Content) != len(v) {
			return false
		}
		for i := range v {
			if !sameValue(n.Content[i], v[i]) {
				return false
			}
		}
		return true
	case string:
		return n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Value == v
	case json.Number:
		return n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") && n.Value == v.String()
	case bool:
		return n.Kind == yaml.ScalarNode && n.Tag == "!!bool" && n.Value == map[bool]string{true: "true", false: "false"}[v]
	case nil:
		return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
	}
	return false
}

// FuzzParseYAML checks that the YAML parser never panics, positions every
// problem inside the input, and that what the byte check lets through is
// never refused by the parser for its bytes alone (at 1:1).
func FuzzParseYAML(f *testing.F) {
	for _, s := range []string{"a: 1\nb: [x, y]\n", "a: &x [1, *x]\n", "a: \"\xc3\"\n", "a: \x07\n", "k: v\n---\nk: w\n", "\xef\xbb\xbfa: \u0085\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := ParseYAML("f.yaml", data, Limits{MaxExpansion: 1000})
		lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 2 // YAML breaks lines at CR too
		for _, p := range d.Problems {
			if p.Pos.Line < 1 || p.Pos.Line > lines || p.Pos.Column < 1 || p.Code == "" {
				t.Fatalf("problem without a position inside the input or a code: %+v", p)
			}
			if p.Code == CodeSyntax && (bytes.Contains([]byte(p.Message), []byte("control characters")) || bytes.Contains([]byte(p.Message), []byte("UTF-8"))) {
				t.Fatalf("the parser refused bytes the check let through: %s", p)
			}
		}
	})
}

// FuzzParallelParse checks the parallel parse on small chunks: it either
// declines (nil) or gives exactly the tree the sequential parser gives,
// positions included.
func FuzzParallelParse(f *testing.F) {
	f.Add(genMappings(5))
	f.Add(genLists(5, 5))
	f.Add([]byte("m:\n  a: 1\n  b:\n    - x\n  c: {d: 1}\nl:\n  - a: 1\n  - b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := parseParallel(data, 4, 1)
		if got == nil {
			return
		}
		var want yaml.Node
		if err := yaml.Unmarshal(data, &want); err != nil {
			t.Fatalf("parsed in parallel what the parser refuses (%v): %q", err, data)
		}
		if len(want.Content) != 1 {
			t.Fatalf("parsed in parallel a document the parser reads as %d nodes: %q", len(want.Content), data)
		}
		if d := sameNodes(got, want.Content[0], ""); d != "" {
			t.Fatalf("parallel tree differs: %s\ninput %q", d, data)
		}
	})
}
