//go:build linux

package main

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// copyExample copies the IoT example (a model with includes) into a
// temporary directory and returns the directory.
func copyExample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := "../../examples/iot-telemetry"
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOutputTargets(t *testing.T) {
	ex := copyExample(t)
	model := filepath.Join(ex, "rampart.yaml")
	include := filepath.Join(ex, "platform-flows.yaml") // included by an include
	before := map[string][]byte{}
	for _, f := range []string{model, include} {
		before[f], _ = os.ReadFile(f)
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "latest.json")
	os.Symlink("real.json", link)
	os.WriteFile(filepath.Join(dir, "real.json"), []byte("old"), 0o600)
	tests := []struct {
		name  string
		args  []string
		code  int
		err   []string // in stderr
		check func(t *testing.T)
	}{
		{name: "the model itself", args: []string{"analyze", model, "-f", "json", "-o", model}, code: exitUsage,
			err: []string{"refusing to write " + model + " over " + model}},
		{name: "an include", args: []string{"analyze", model, "--out", "json=" + include}, code: exitUsage,
			err: []string{"over " + include + ", which this command reads"}},
		{name: "an include from report", args: []string{"report", ex, "-f", "html", "-o", include}, code: exitUsage,
			err: []string{"which this command reads"}},
		{name: "the model from export", args: []string{"export", "--to", "otm", model, "-o", model}, code: exitUsage,
			err: []string{"which this command reads"}},
		{name: "the input of import", args: []string{"import", "../../examples/online-shop.yaml", "-o", "../../examples/online-shop.yaml"}, code: exitUsage,
			err: []string{"which this command reads"}},
		{name: "a directory", args: []string{"analyze", model, "-o", dir}, code: exitUsage,
			err: []string{dir + " is a directory; name a file in it"}},
		{name: "a missing directory", args: []string{"analyze", model, "-o", filepath.Join(dir, "out", "t.json")}, code: exitUsage,
			err: []string{"write " + filepath.Join(dir, "out", "t.json") + ": directory does not exist: " + filepath.Join(dir, "out"), "mkdir -p " + filepath.Join(dir, "out")}},
		{name: "/dev/full", args: []string{"analyze", model, "-f", "json", "-o", "/dev/full"}, code: exitUsage,
			err: []string{"write /dev/full: no space left on device"}},
		{name: "/dev/null", args: []string{"analyze", model, "-o", "/dev/null"}, check: func(t *testing.T) {
			if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
				t.Fatalf("/dev/null is no longer a character device: %v", err)
			}
		}},
		{name: "a symlink", args: []string{"analyze", model, "-o", link}, err: []string{"wrote " + link + " (json)"}, check: func(t *testing.T) {
			if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
				t.Error("the link was replaced")
			}
			data, _ := os.ReadFile(filepath.Join(dir, "real.json"))
			fi, _ := os.Stat(filepath.Join(dir, "real.json"))
			if !strings.Contains(string(data), `"format_version"`) || fi.Mode().Perm() != 0o600 {
				t.Errorf("target holds %.30q with mode %v, want the JSON with the old mode 0600", data, fi.Mode().Perm())
			}
		}},
		{name: "pdf to a file from analyze", args: []string{"analyze", model, "--out", "pdf=" + filepath.Join(dir, "x.pdf")}, err: []string{"wrote " + filepath.Join(dir, "x.pdf") + " (pdf)"},
			check: func(t *testing.T) {
				if data, _ := os.ReadFile(filepath.Join(dir, "x.pdf")); !strings.HasPrefix(string(data), "%PDF-") {
					t.Error("x.pdf is not a PDF")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
			}
			for _, w := range tt.err {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if strings.Contains(errOut, ".tmp") {
				t.Errorf("stderr names a temporary file: %s", errOut)
			}
			if tt.check != nil {
				tt.check(t)
			}
		})
	}
	for f, data := range before {
		if now, _ := os.ReadFile(f); string(now) != string(data) {
			t.Errorf("%s was changed", f)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("%s holds %d entries, want latest.json, real.json and x.pdf", dir, len(entries))
	}
}

func TestOutputPermissions(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1))
	dir := t.TempDir()
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	fresh := filepath.Join(dir, "new.sarif")
	if code, _, errOut := runCLI(t, "analyze", model, "-o", fresh); code != exitOK {
		t.Fatal(errOut)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o600 {
		t.Errorf("new file mode %v, want 0666 minus umask 077", fi.Mode().Perm())
	}
	shared := filepath.Join(dir, "shared.csv")
	os.WriteFile(shared, nil, 0o600)
	os.Chmod(shared, 0o664)
	if code, _, errOut := runCLI(t, "analyze", model, "-o", shared); code != exitOK {
		t.Fatal(errOut)
	}
	if fi, _ := os.Stat(shared); fi.Mode().Perm() != 0o664 {
		t.Errorf("replaced file mode %v, want the old 0664", fi.Mode().Perm())
	}
}

func TestOutputToFIFO(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "low", 1))
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if code, _, errOut := runCLI(t, "analyze", model, "-f", "csv", "-o", fifo); code != exitOK {
		t.Fatal(errOut)
	}
	select {
	case s := <-got:
		if !strings.Contains(s, "missing-authentication@u-a") {
			t.Errorf("the FIFO's reader got %.80q", s)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("nothing came through the FIFO")
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by %v", fi.Mode())
	}
}

func TestInitIntoMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "services", "billing.yaml")
	code, _, errOut := runIn(t, "", "init", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "created directory "+filepath.Join(dir, "services")) || !strings.Contains(errOut, "wrote "+path) {
		t.Errorf("stderr: %s", errOut)
	}
	if code, out, _ := runCLI(t, "validate", path); code != exitOK {
		t.Errorf("the starter model does not validate: %s", out)
	}
}
