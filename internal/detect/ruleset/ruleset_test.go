package ruleset

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadVerdicts(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"ok.yml":          "title: ok\nlogsource: {product: windows}\ndetection:\n  s: {a: 1}\n  condition: s\n",
		"invalid.yml":     "title: bad\nlogsource: {product: windows}\ndetection:\n  s: {a|nope: 1}\n  condition: s\n",
		"unsupported.yml": "title: old\nlogsource: {product: windows}\ndetection:\n  s: {a: 1}\n  condition: s | count() > 2\n",
		"notes.txt":       "not a rule",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := mkfifo(filepath.Join(dir, "fifo.yml")); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	set, err := Load(context.Background(), []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Status{}
	for _, f := range set.Files {
		got[filepath.Base(f.Path)] = f.Status
	}
	want := map[string]Status{"ok.yml": OK, "invalid.yml": Invalid, "unsupported.yml": Unsupported, "fifo.yml": Invalid}
	for name, st := range want {
		if got[name] != st {
			t.Errorf("%s: %s, want %s", name, got[name], st)
		}
	}
	if len(got) != len(want) || set.Engine.Stats().Rules != 1 || len(set.Rules) != 1 {
		t.Errorf("files %v, %d rules compiled", got, set.Engine.Stats().Rules)
	}
	if _, err := Load(context.Background(), []string{filepath.Join(dir, "missing")}, nil); err == nil {
		t.Error("a missing root must be an error")
	}
}
