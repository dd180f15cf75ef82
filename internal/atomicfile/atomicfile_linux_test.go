package atomicfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary play a writing process that a test
// interrupts (see child).
func TestMain(m *testing.M) {
	if mode := os.Getenv("ATOMICFILE_CHILD"); mode != "" {
		os.Exit(child(mode, os.Args[len(os.Args)-1]))
	}
	os.Exit(m.Run())
}

// child writes path as a command does. "hang": write part of the data,
// say "ready" on stdout and wait for SIGINT (which cancels the write, as
// the CLI's first Ctrl-C does) or SIGKILL. "hang-named": the same with the
// portable named temporary file, removed on SIGINT as on a forced exit.
// "write": write path and report the error on stderr.
func child(mode, path string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if mode == "write" {
		if err := Write(path, []byte("new"), true); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	useUnnamed = mode != "hang-named"
	err := WriteFunc(ctx, path, true, func(w io.Writer) error {
		if _, err := w.Write([]byte(strings.Repeat("new ", 1<<16))); err != nil {
			return err
		}
		fmt.Println("ready")
		<-ctx.Done()
		RemoveTemporary()
		return ctx.Err()
	})
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

func startChild(t *testing.T, mode, path string, cred *syscall.Credential) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$", path)
	cmd.Env = append(os.Environ(), "ATOMICFILE_CHILD="+mode)
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	return cmd
}

func TestInterruptedWriterLeavesTheOldFile(t *testing.T) {
	for _, tc := range []struct {
		mode string
		sig  os.Signal
		code int
	}{
		{"hang", os.Interrupt, 130},
		{"hang", syscall.SIGTERM, 130},
		{"hang", os.Kill, -1},
		{"hang-named", os.Interrupt, 130},
	} {
		t.Run(tc.mode+"/"+tc.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "report.html")
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := startChild(t, tc.mode, path, nil)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(out).ReadString('\n')
			if line != "ready\n" {
				cmd.Process.Kill()
				t.Fatalf("child said %q", line)
			}
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			if got, _ := os.ReadFile(path); string(got) != "old" {
				t.Errorf("file holds %.20q, want the old content", got)
			}
			onlyFiles(t, dir, "report.html")
		})
	}
}

func TestPermissionsAndOwner(t *testing.T) {
	modes(t, func(t *testing.T) {
		dir := t.TempDir()
		old := syscall.Umask(0o027)
		defer syscall.Umask(old)
		fresh := filepath.Join(dir, "new.txt")
		if err := Write(fresh, []byte("x"), false); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o640 {
			t.Errorf("new file has mode %v, want 0666 minus umask 027 = 0640", fi.Mode().Perm())
		}
		kept := filepath.Join(dir, "kept.sh")
		if err := os.WriteFile(kept, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(kept, 0o751); err != nil {
			t.Fatal(err)
		}
		if os.Getuid() == 0 {
			if err := os.Chown(kept, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
		if err := Write(kept, []byte("new"), true); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(kept)
		if fi.Mode().Perm() != 0o751 {
			t.Errorf("replaced file has mode %v, want the old 0751", fi.Mode().Perm())
		}
		if st := fi.Sys().(*syscall.Stat_t); os.Getuid() == 0 && (st.Uid != 65534 || st.Gid != 65534) {
			t.Errorf("replaced file is owned by %d:%d, want the old 65534:65534", st.Uid, st.Gid)
		}
	})
}

func TestSymlinkWritesItsTarget(t *testing.T) {
	modes(t, func(t *testing.T) {
		dir := t.TempDir()
		realDir := filepath.Join(dir, "real")
		os.Mkdir(realDir, 0o755)
		target := filepath.Join(realDir, "threats.json")
		os.WriteFile(target, []byte("old"), 0o644)
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink("real/threats.json", link); err != nil {
			t.Fatal(err)
		}
		dangling := filepath.Join(dir, "dangling.json")
		os.Symlink("real/new.json", dangling)
		for _, p := range []string{link, dangling} {
			if err := Write(p, []byte("new"), true); err != nil {
				t.Fatal(err)
			}
			if fi, _ := os.Lstat(p); fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("%s is no longer a symbolic link", p)
			}
		}
		for _, p := range []string{target, filepath.Join(realDir, "new.json")} {
			if got, _ := os.ReadFile(p); string(got) != "new" {
				t.Errorf("%s holds %q, want new", p, got)
			}
		}
		onlyFiles(t, realDir, "new.json", "threats.json")
		onlyFiles(t, dir, "dangling.json", "link.json", "real")
	})
}

func TestDevicesAreWrittenInto(t *testing.T) {
	if err := Write("/dev/null", []byte("discarded"), true); err != nil {
		t.Fatalf("/dev/null: %v", err)
	}
	if fi, err := os.Lstat("/dev/null"); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a character device: %v %v", fi.Mode(), err)
	}
	err := Write("/dev/full", []byte("x"), true)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("/dev/full: err %v, want no space left on device", err)
	}
	if fi, _ := os.Lstat("/dev/full"); fi.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("/dev/full is no longer a character device")
	}
}

func TestFIFOIsWrittenInto(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
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
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if err := Write(fifo, []byte("through the pipe"), true); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "through the pipe" {
			t.Errorf("reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reader got nothing")
	}
	if fi, _ := os.Lstat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced by %v", fi.Mode())
	}
	onlyFiles(t, dir, "pipe")
}

func TestSocketIsWrittenInto(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	if err := Write(sock, []byte("over the socket"), true); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "over the socket" {
		t.Errorf("listener got %q", s)
	}
	if fi, _ := os.Lstat(sock); fi.Mode()&fs.ModeSocket == 0 {
		t.Errorf("the socket was replaced by %v", fi.Mode())
	}
}

// TestReadOnlyDirectory writes as an unprivileged user (root may write
// anywhere): the error names the directory, the old file stays.
func TestReadOnlyDirectory(t *testing.T) {
	dir := t.TempDir()
	// The unprivileged user must reach the directory (t.TempDir's parent is 0700).
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "out.txt")
	os.WriteFile(path, []byte("old"), 0o666)
	os.Chmod(path, 0o666)
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	var cred *syscall.Credential
	if os.Getuid() == 0 {
		// The test binary must be reachable by the unprivileged user.
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(t.TempDir(), "atomicfile.test")
		data, err := os.ReadFile(exe)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Dir(bin), 0o755)
		os.Chmod(filepath.Dir(filepath.Dir(bin)), 0o755)
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		cmd := exec.Command(bin, "-test.run=^$", path)
		cmd.Env = append(os.Environ(), "ATOMICFILE_CHILD=write")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		checkReadOnly(t, cmd, dir, path)
		return
	}
	checkReadOnly(t, startChild(t, "write", path, nil), dir, path)
}

func checkReadOnly(t *testing.T, cmd *exec.Cmd, dir, path string) {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		t.Fatal("writing into a read-only directory succeeded")
	}
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("child: %v", err)
	}
	msg := stderr.String()
	for _, want := range []string{"write " + path, "cannot create a file in " + dir, "permission denied"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, ".tmp") {
		t.Errorf("error %q names a temporary file", msg)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file holds %q, want the old content", got)
	}
}

// TestReadOnlyFileIsNotReplaced: a file the writer may not write to (mode
// 0444, or owned by someone else) is refused and stays as it was, even in a
// directory where the writer could create and rename files.
func TestReadOnlyFileIsNotReplaced(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777) // no sticky bit: a rename over the file would work
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o444)
	cmd := startChild(t, "write", path, nil)
	if os.Getuid() == 0 {
		// Root may write any file; an unprivileged user may not write this one.
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(t.TempDir(), "atomicfile.test")
		data, err := os.ReadFile(exe)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Dir(bin), 0o755)
		os.Chmod(filepath.Dir(filepath.Dir(bin)), 0o755)
		cmd = exec.Command(bin, "-test.run=^$", path)
		cmd.Env = append(os.Environ(), "ATOMICFILE_CHILD=write")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil {
		t.Fatal("replacing a read-only file succeeded")
	}
	if msg := stderr.String(); !strings.Contains(msg, "write "+path+": permission denied: the file is read-only") {
		t.Errorf("error %q", msg)
	}
	st, err := os.Stat(path)
	if got, _ := os.ReadFile(path); string(got) != "old" || err != nil || st.Mode().Perm() != 0o444 {
		t.Errorf("file holds %q, mode %v, want the old content and 0444", got, st.Mode())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the file", len(entries))
	}
}
