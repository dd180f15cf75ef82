package source

import (
	"strings"
	"testing"
)

func TestParseYAMLDocumentStream(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, prev := range []string{"a", "b", "c", "d", "e", "f"} {
		name := string(rune('b' + i))
		bomb += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
	}
	for _, tc := range []struct {
		name, data string
		roots      int
		problem    string // "" for none
	}{
		{"one document", "id: a\n", 1, ""},
		{"three documents, one empty", "id: a\n---\n# nothing\n---\nid: b\n", 2, ""},
		{"comments only", "# nothing\n", 0, ""},
		{"syntax error in the second", "id: a\n---\nid: [b\n", 1, "x.yaml:3:5: YAML syntax error: '[' is not closed"},
		{"alias bomb in the second", "id: a\n---\n" + bomb, 1, "x.yaml:7:44: the document expands past 100000 nodes through aliases"},
		{"NUL byte", "id: a\x00\n", 0, "x.yaml:1:6: a NUL byte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roots, problems := ParseYAMLDocuments("x.yaml", []byte(tc.data), Limits{})
			if len(roots) != tc.roots {
				t.Errorf("%d documents, want %d", len(roots), tc.roots)
			}
			switch {
			case tc.problem == "" && len(problems) > 0:
				t.Errorf("problems: %v", problems)
			case tc.problem != "" && (len(problems) != 1 || !strings.HasPrefix(problems[0].String(), tc.problem)):
				t.Errorf("problems %v, want one starting %q", problems, tc.problem)
			}
		})
	}
}
