package diagram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rampart-sec/rampart/internal/diagram/internal/gographviz"
)

// reloadWith drops the running Graphviz module and points the engine at
// cacheDir, so the next render loads the module the way a new process would.
func reloadWith(t *testing.T, cacheDir string) {
	t.Helper()
	gvMu.Lock()
	graphviz.Unload(context.Background())
	engine.cacheDir = cacheDir
	gvMu.Unlock()
	t.Cleanup(func() {
		gvMu.Lock()
		graphviz.Unload(context.Background())
		engine.cacheDir = ""
		gvMu.Unlock()
	})
}

// renderSVG draws the shop model and checks the result is an SVG.
func renderSVG(t *testing.T) {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(context.Background(), loadShop(t), Options{}, FormatSVG, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("<svg")) {
		t.Fatalf("not an SVG: %.80q", buf.String())
	}
}

func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGraphvizCache damages the compilation cache in the ways a shared or
// interrupted machine does and checks that drawing still works, with the
// cache rebuilt where it can be and without one where it cannot.
func TestGraphvizCache(t *testing.T) {
	// Fill a cache once; the cases copy it.
	good := t.TempDir()
	reloadWith(t, good)
	renderSVG(t)
	if !engine.cache || len(cacheFiles(t, good)) == 0 {
		t.Fatalf("first load did not fill the cache in %s", good)
	}

	tests := []struct {
		name      string
		prepare   func(t *testing.T, dir string) // dir holds a good cache
		wantCache bool
	}{
		{"intact", func(*testing.T, string) {}, true},
		{"corrupted", func(t *testing.T, dir string) {
			for _, f := range cacheFiles(t, dir) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for i := 64; i < len(data); i += 97 {
					data[i] ^= 0xa5
				}
				if err := os.WriteFile(f, data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}, true},
		{"truncated", func(t *testing.T, dir string) {
			for _, f := range cacheFiles(t, dir) {
				fi, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(f, fi.Size()/3); err != nil {
					t.Fatal(err)
				}
			}
		}, true},
		{"empty entries", func(t *testing.T, dir string) {
			for _, f := range cacheFiles(t, dir) {
				if err := os.Truncate(f, 0); err != nil {
					t.Fatal(err)
				}
			}
		}, true},
		{"a file where the directory should be", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir, []byte("not a cache"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"parent is a file", func(t *testing.T, dir string) {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dir, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"symbolic link", func(t *testing.T, dir string) {
			target := t.TempDir()
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, dir); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"not writable", func(t *testing.T, dir string) {
			if err := os.Chmod(dir, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
		}, os.Geteuid() == 0}, // root writes anyway, and may use it
	}
	if os.Geteuid() == 0 {
		tests = append(tests, struct {
			name      string
			prepare   func(t *testing.T, dir string)
			wantCache bool
		}{"owned by another user", func(t *testing.T, dir string) {
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}, false})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "graphviz")
			if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
				t.Fatal(err)
			}
			tc.prepare(t, dir)
			cacheDir := dir
			if tc.name == "parent is a file" {
				cacheDir = filepath.Join(dir, "graphviz")
			}
			reloadWith(t, cacheDir)
			renderSVG(t) // must not panic or fail
			if engine.cache != tc.wantCache {
				t.Errorf("cache used = %v, want %v", engine.cache, tc.wantCache)
			}
			renderSVG(t) // the loaded module is reused
		})
	}
}

// TestCacheDirIsTheUsers checks the cache lives under the user's own cache
// directory, never in the shared temporary directory.
func TestCacheDirIsTheUsers(t *testing.T) {
	base := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", base)
	t.Setenv("HOME", base)
	dir, err := CacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dir, base+string(filepath.Separator)) || strings.HasPrefix(dir, os.TempDir()+"/go-graphviz") {
		t.Errorf("cache dir %s is not under the user's cache directory %s", dir, base)
	}
}

// TestLayoutHonoursContext cancels a long layout and expects it to stop
// promptly, and the next render to work with a fresh module.
func TestLayoutHonoursContext(t *testing.T) {
	var b strings.Builder
	b.WriteString("digraph g { graph [splines=true];\n")
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(&b, "n%d -> n%d; n%d -> n%d;\n", i, (i*7+3)%1500, i, (i*13+5)%1500)
	}
	b.WriteString("}\n")
	dot := []byte(b.String())

	r, err := NewRenderer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = r.RenderDOT(ctx, dot, FormatSVG, io.Discard)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled layout returned %v after %v, want the context's error", err, took)
	}
	// Loading the module may take part of the budget; the layout alone
	// takes many seconds.
	if took > 5*time.Second {
		t.Errorf("cancelled layout took %v", took)
	}
	renderSVG(t)
	var buf bytes.Buffer
	if err := r.Render(context.Background(), loadShop(t), Options{}, FormatSVG, &buf); err != nil {
		t.Fatalf("renderer after a cancelled layout: %v", err)
	}
}

// otherUser is the unprivileged account .ci/run creates for this test.
const otherUser = "rampart-ci"

// TestSecondUser runs this test binary as a second, unprivileged user after
// root has filled its own cache and left a root-owned directory where the
// other user's cache would go: the other user must draw diagrams all the
// same. It needs root and the account; outside CI it is skipped without them.
func TestSecondUser(t *testing.T) {
	if os.Getenv("RAMPART_DIAGRAM_HELPER") == "draw" {
		t.Skip("running as the helper")
	}
	u, err := user.Lookup(otherUser)
	runuser, lerr := exec.LookPath("runuser")
	if err != nil || os.Geteuid() != 0 || lerr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must run as root with the %s account and runuser (.ci/run creates it): user %v, runuser %v", otherUser, err, lerr)
		}
		t.Skipf("needs root, runuser and the %s account", otherUser)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)

	// Root draws first with its cache (the case that broke other users when
	// the cache was shared in the temporary directory).
	renderSVG(t)

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	work, err := os.MkdirTemp("", "rampart-second-user-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(work) })
	bin := filepath.Join(work, "diagram.test")
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	shop, err := filepath.Abs(filepath.Join("testdata", "shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(work, "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "testdata", "shop.yaml"), mustRead(t, shop), 0o644); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(work, "home")
	if err := os.Chmod(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, uid, gid); err != nil {
		t.Fatal(err)
	}

	run := func(name string) string {
		t.Helper()
		out := filepath.Join(home, name)
		cmd := exec.Command(runuser, "-u", otherUser, "--", "env",
			"HOME="+home, "XDG_CACHE_HOME=", "TMPDIR=/tmp",
			"RAMPART_DIAGRAM_HELPER=draw",
			"RAMPART_DIAGRAM_OUT="+out,
			bin, "-test.run=^TestSecondUserHelper$", "-test.v")
		cmd.Dir = work
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("as %s: %v\n%s", otherUser, err, b)
		}
		if !strings.Contains(string(b), "--- PASS: TestSecondUserHelper") {
			t.Fatalf("helper did not pass:\n%s", b)
		}
		svg := mustRead(t, out)
		if !bytes.Contains(svg, []byte("<svg")) {
			t.Fatalf("as %s: no SVG written", otherUser)
		}
		return string(b)
	}
	// First run fills the other user's own cache, the second uses it.
	if out := run("first.svg"); !strings.Contains(out, "cache used: true") {
		t.Errorf("the other user did not use its own cache:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(home, ".cache", "rampart", "graphviz")); err != nil {
		t.Errorf("the other user's cache was not created under its home: %v", err)
	}
	run("second.svg")
	// A cache directory that root owns (e.g. left by a sudo run) is not
	// used, and not a failure.
	cache := filepath.Join(home, ".cache", "rampart", "graphviz")
	if err := os.RemoveAll(cache); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	if out := run("root-owned-cache.svg"); !strings.Contains(out, "cache used: false") {
		t.Errorf("a cache directory owned by root was used:\n%s", out)
	}
}

// TestSecondUserHelper is the body TestSecondUser runs as the other user.
func TestSecondUserHelper(t *testing.T) {
	if os.Getenv("RAMPART_DIAGRAM_HELPER") != "draw" {
		t.Skip("run by TestSecondUser")
	}
	m := loadShop(t)
	var buf bytes.Buffer
	if err := Render(context.Background(), m, Options{}, FormatSVG, &buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("RAMPART_DIAGRAM_OUT"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("uid %d, cache used: %v", os.Getuid(), engine.cache)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
