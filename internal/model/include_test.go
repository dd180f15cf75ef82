//go:build unix

package model

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/source"
)

// secretLine stands for what a file outside the model may hold: it must
// never appear in a problem.
const secretLine = "root:$6$c2VjcmV0$hunter2hunter2hunter2:19000:0:99999:7:::"

// rootModel is a model whose includes are the given paths.
func rootModel(includes ...string) string {
	var b strings.Builder
	b.WriteString("rampart: 1\nsystem: {id: s, name: S}\ncomponents:\n  - {id: web, type: web-application}\nincludes:\n")
	for _, inc := range includes {
		fmt.Fprintf(&b, "  - %q\n", inc)
	}
	return b.String()
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestIncludesConfined checks that includes stay inside the root model's
// directory tree, that non-regular files are refused without blocking, and
// that nothing from a file that is not a model reaches a message.
func TestIncludesConfined(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	outside := filepath.Join(base, "etc")
	write(t, filepath.Join(outside, "shadow"), secretLine+"\ndaemon:*:19000:0:99999:7:::\n")
	write(t, filepath.Join(outside, "frag.yaml"), "components:\n  - {id: api, type: api}\n")
	write(t, filepath.Join(repo, "sub", "ok.yaml"), "components:\n  - {id: api, type: api}\n")
	write(t, filepath.Join(repo, "shadow.yaml"), secretLine+"\nbin:x:1:1\n")
	write(t, filepath.Join(repo, ".env"), "API_KEY="+secretLine+"\n")
	write(t, filepath.Join(repo, "key.pem"), "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQhunter2\n-----END OPENSSH PRIVATE KEY-----\n")
	write(t, filepath.Join(repo, "secret.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata:\n  password: hunter2hunter2\n")
	if err := os.Symlink(filepath.Join(outside, "shadow"), filepath.Join(repo, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(repo, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(repo, "fifo.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(repo, "dir.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(repo, filepath.Join(outside, "shadow"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		include string
		opts    Options
		code    source.Code
		says    string
	}{
		{"dot-dot escape", "../../" + filepath.Base(base) + "/etc/shadow", Options{}, source.CodeOutsideRoot, "is outside the model's directory tree"},
		{"relative escape", rel, Options{}, source.CodeOutsideRoot, "is outside the model's directory tree"},
		{"absolute path", filepath.Join(outside, "shadow"), Options{}, source.CodeOutsideRoot, "is outside the model's directory tree"},
		{"symlink to a file outside", "link.yaml", Options{}, source.CodeOutsideRoot, "is outside the model's directory tree"},
		{"symlinked directory outside", "linkdir/frag.yaml", Options{}, source.CodeOutsideRoot, "is outside the model's directory tree"},
		{"FIFO", "fifo.yaml", Options{}, source.CodeNotRegular, "a named pipe (FIFO)"},
		{"directory", "dir.yaml", Options{}, source.CodeNotRegular, "a directory"},
		{"/dev/zero", "/dev/zero", Options{IncludeRoot: "/dev"}, source.CodeNotRegular, "a character device"},
		{"env file in the tree", ".env", Options{}, source.CodeType, "is not a model fragment"},
		{"private key in the tree", "key.pem", Options{}, source.CodeType, "is not a model fragment"},
		{"other YAML in the tree", "secret.yaml", Options{}, source.CodeType, "3 of its 4 top-level keys are not model sections"},
		{"password file in the tree", "shadow.yaml", Options{}, source.CodeSyntax, "YAML syntax error"},
		{"secret outside, include root widened", filepath.Join(outside, "shadow"), Options{IncludeRoot: outside}, source.CodeType, "is not a model fragment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := filepath.Join(repo, "rampart.yaml")
			write(t, root, rootModel(tc.include))
			type result struct {
				problems Problems
				err      error
			}
			done := make(chan result, 1)
			go func() {
				_, problems, err := Load(context.Background(), root, tc.opts)
				done <- result{problems, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Load blocked")
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			all := r.problems.Error()
			if strings.Contains(all, "hunter2") || strings.Contains(all, "BEGIN") || strings.Contains(all, "API_KEY") {
				t.Errorf("a problem quotes the file:\n%s", all)
			}
			var found *Problem
			for i, p := range r.problems {
				if p.Code == tc.code && strings.Contains(p.Message, tc.says) {
					found = &r.problems[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s problem saying %q:\n%s", tc.code, tc.says, all)
			}
			if tc.code != source.CodeSyntax && (found.Pos.File != root || found.Path != "includes[0]") {
				t.Errorf("the problem points at %s %s, want the include in %s", found.Pos, found.Path, root)
			}
		})
	}
	// An include inside the tree, also through a subdirectory, reads.
	root := filepath.Join(repo, "rampart.yaml")
	write(t, root, rootModel("sub/ok.yaml"))
	m, problems, err := Load(context.Background(), root, Options{})
	if err != nil || problems.HasErrors() || len(m.Components) != 2 {
		t.Fatalf("include inside the tree: %v %v, %d components", err, problems, len(m.Components))
	}
	// --include-root widens the tree to a fragment outside.
	write(t, root, rootModel(filepath.Join(outside, "frag.yaml")))
	if m, problems, err := Load(context.Background(), root, Options{IncludeRoot: outside}); err != nil || problems.HasErrors() || len(m.Components) != 2 {
		t.Fatalf("include root widened: %v %v", err, problems)
	}
}

// TestIncludeLimitCountsFailures checks that includes that fail count
// against the file limit as well as those that are read, so that a model
// cannot make the loader try files without end.
func TestIncludeLimitCountsFailures(t *testing.T) {
	dir := t.TempDir()
	var incs []string
	for i := range 10 {
		incs = append(incs, fmt.Sprintf("missing-%d.yaml", i))
	}
	root := filepath.Join(dir, "rampart.yaml")
	write(t, root, rootModel(incs...))
	reads := 0
	opts := Options{MaxIncludes: 4, ReadFile: func(ctx context.Context, path string, limit int64) ([]byte, error) {
		reads++
		return source.ReadFile(ctx, path, limit)
	}}
	_, problems, err := Load(context.Background(), root, opts)
	if err != nil {
		t.Fatal(err)
	}
	var limit, unreadable int
	for _, p := range problems {
		switch p.Code {
		case source.CodeLimit:
			limit++
			if !strings.Contains(p.Message, "more than 4 model files") || p.Path != "includes[3]" {
				t.Errorf("limit problem: %s", p)
			}
		case source.CodeUnreadable:
			unreadable++
		}
	}
	// The root and three failed includes make four files; the fourth
	// include passes the limit, and nothing after it is tried.
	if limit != 1 || unreadable != 3 || reads != 4 {
		t.Errorf("%d limit problems, %d unreadable, %d reads; want 1, 3, 4 (root + 3):\n%s", limit, unreadable, reads, problems.Error())
	}
}

// TestRampartZeroRefused checks that 'rampart: 0' is an unsupported version,
// not a missing one that a writer would then turn into 1.
func TestRampartZeroRefused(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"rampart: 0\nsystem: {id: s, name: S}\n", "m.yaml:1:10: rampart: unsupported schema version 0, this build reads 1"},
		{"system: {id: s, name: S}\n", "m.yaml:1:1: missing required key 'rampart'"},
	} {
		_, problems, err := LoadBytes(context.Background(), "m.yaml", []byte(tc.in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := problems.Errors().Error(); got != tc.want {
			t.Errorf("%q:\ngot  %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestLoadReader loads a model from a reader, as 'rampart validate -' does.
func TestLoadReader(t *testing.T) {
	m, problems, err := LoadReader(context.Background(), strings.NewReader("rampart: 1\nsystem: {id: s, name: S}\ncomponents: [{id: web, type: api, colour: red}]\n"), Options{})
	if err != nil || m == nil {
		t.Fatal(err)
	}
	if got := problems.Error(); !strings.HasPrefix(got, StdinName+":3:35: components[0].colour: unknown key 'colour'") {
		t.Errorf("got %s", got)
	}
	_, problems, err = LoadReader(context.Background(), strings.NewReader(strings.Repeat("#", 2000)), Options{MaxFileSize: 1000})
	if err != nil || len(problems) != 1 || problems[0].Code != source.CodeLimit || !strings.Contains(problems[0].Hint, "--max-file-size") {
		t.Errorf("over the limit: %v %v", problems, err)
	}
}

// TestRootNotModelNotQuoted checks that a root file that is not a model
// (named by mistake, or by an untrusted change to a CI job) is refused
// without its text in the message.
func TestRootNotModelNotQuoted(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"text", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAhunter2\n-----END OPENSSH PRIVATE KEY-----\n", "expected a mapping of model sections, found text"},
		{"other YAML", "apiVersion: v1\nkind: Secret\ndata:\n  password: hunter2\n", "not a Rampart model: 2 of its 3 top-level keys are not model sections"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, problems, err := LoadBytes(context.Background(), "f.yaml", []byte(tc.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			all := problems.Error()
			if strings.Contains(all, "hunter2") || !strings.Contains(all, tc.want) {
				t.Errorf("got %s\nwant %q and nothing quoted", all, tc.want)
			}
		})
	}
}
