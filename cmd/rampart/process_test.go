//go:build linux

package main

// Tests that need a real process: signals, closed or full standard output,
// a terminal, another user.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// testVersion is the version the test binary is built with.
const testVersion = "v0.0.0-test"

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// cliBinary builds the rampart binary once for the tests, into a directory
// every user may read.
func cliBinary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rampart-cli-test-")
		if err != nil {
			cliErr = err
			return
		}
		os.Chmod(dir, 0o755)
		cliPath = filepath.Join(dir, "rampart")
		// The version is set as the release build sets it.
		out, err := exec.Command("go", "build", "-ldflags", "-X main.version="+testVersion, "-o", cliPath, ".").CombinedOutput()
		if err != nil {
			cliErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cliPath
}

func TestReleaseVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		out, err := exec.Command(cliBinary(t), arg).Output()
		if want := "rampart " + testVersion + " (model schema 1)\n"; err != nil || string(out) != want {
			t.Errorf("%s: %q (%v), want %q", arg, out, err, want)
		}
	}
}

// bigModel writes a model large enough that its analysis takes a while.
func bigModel(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("rampart: 1\nsystem: {id: big, name: Big, risk_owner: sro}\ndata:\n  - {id: d, classification: confidential}\ncomponents:\n  - {id: user, type: user}\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {id: c%d, type: service, processes: [d]}\n", i)
	}
	b.WriteString("flows:\n  - {id: f-user, from: user, to: c0, protocol: https, data_sent: [d]}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  - {id: f%d, from: c%d, to: c%d, protocol: http, data_sent: [d]}\n", i, i-1, i)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestStdoutFailureFailsEveryCommand: output that cannot be written (a full
// disk, a closed descriptor) is an error for every command, never exit 0.
func TestStdoutFailureFailsEveryCommand(t *testing.T) {
	bin := cliBinary(t)
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1))
	commands := [][]string{
		{"version"}, {"--version"}, {"validate", model}, {"check", model}, {"analyze", model}, {"rules"},
		{"explain", "missing-authentication"}, {"schema"}, {"export", "--to", "otm", model}, {"diagram", model},
	}
	for _, args := range commands {
		for _, how := range []string{"full", "closed"} {
			t.Run(how+"/"+strings.Join(args, " "), func(t *testing.T) {
				var cmd *exec.Cmd
				if how == "full" {
					full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
					if err != nil {
						t.Fatal(err)
					}
					defer full.Close()
					cmd = exec.Command(bin, args...)
					cmd.Stdout = full
				} else {
					cmd = exec.Command("sh", append([]string{"-c", `exec "$0" "$@" >&-`, bin}, args...)...)
				}
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				if code := cmd.ProcessState.ExitCode(); code != exitUsage {
					t.Errorf("exit %d (%v), want %d; stderr: %s", code, err, exitUsage, stderr.String())
				}
				if !strings.Contains(stderr.String(), "write standard output") && !strings.Contains(stderr.String(), "write ") {
					t.Errorf("stderr does not say the output failed: %s", stderr.String())
				}
			})
		}
	}
}

// TestInterrupt sends Ctrl-C to a real process in the middle of an analysis
// that writes a report over an existing file: the first SIGINT stops the
// work (exit 130), the old file stays and no temporary file is left; a
// second SIGINT exits at once.
func TestInterrupt(t *testing.T) {
	bin := cliBinary(t)
	model, err := os.ReadFile(bigModel(t, 3000))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		signals []os.Signal
		code    int
	}{
		{"one SIGINT", []os.Signal{os.Interrupt}, exitInterrupted},
		{"two SIGINTs", []os.Signal{os.Interrupt, os.Interrupt}, exitInterrupted},
		{"SIGTERM", []os.Signal{syscall.SIGTERM}, exitInterrupted},
		{"SIGKILL", []os.Signal{os.Kill}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "report.json")
			os.WriteFile(out, []byte("old"), 0o644)
			// The HTML report, the slowest output, is written first, so the
			// signal lands before report.json is replaced.
			cmd := exec.Command(bin, "analyze", "-", "--out", "html="+filepath.Join(dir, "r.html"), "--out", "json="+out)
			read := feedStdin(t, cmd, model, true)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			read()
			time.Sleep(300 * time.Millisecond) // loading or analysing
			start := time.Now()
			for _, s := range tc.signals {
				cmd.Process.Signal(s)
				time.Sleep(50 * time.Millisecond)
			}
			cmd.Wait()
			took := time.Since(start)
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Fatalf("exit %d, want %d (the run may have finished before the signal; stderr: %s)", code, tc.code, stderr.String())
			}
			if took > 2*time.Second {
				t.Errorf("exit took %v after the signal", took)
			}
			if got, _ := os.ReadFile(out); string(got) != "old" {
				t.Errorf("report.json holds %.20q, want the old content", got)
			}
			onlyNames(t, dir, "report.json")
		})
	}
}

// feedStdin gives cmd (not yet started) data on standard input, then the
// end of input if eof is set (else the input stays open). The returned
// function waits until the process has read all of it, which also says
// that its main function runs (and handles signals: before that, the Go
// runtime's default action would kill it).
func feedStdin(t *testing.T, cmd *exec.Cmd, data []byte, eof bool) func() {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = r
	t.Cleanup(func() { w.Close(); r.Close() })
	written := make(chan struct{})
	go func() {
		w.Write(data)
		if eof {
			w.Close()
		}
		close(written)
	}()
	return func() {
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			select {
			case <-written:
				if n, err := unix.IoctlGetInt(int(r.Fd()), unix.TIOCINQ); err == nil && n == 0 {
					return
				}
			default:
			}
		}
		t.Fatal("the process did not read its standard input")
	}
}

// TestInterruptBlockedRead: Ctrl-C stops a command waiting for its model
// on standard input.
func TestInterruptBlockedRead(t *testing.T) {
	bin := cliBinary(t)
	cmd := exec.Command(bin, "validate", "-")
	read := feedStdin(t, cmd, []byte("rampart: 1\n"), false) // and never more
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	read()
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGINT did not stop a blocked read")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
}

// TestInterruptFIFOWithoutReader: Ctrl-C stops a command waiting for a
// reader of the FIFO it was told to write.
func TestInterruptFIFOWithoutReader(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cliBinary(t), "analyze", "-", "-f", "json", "-o", fifo)
	read := feedStdin(t, cmd, []byte(strings.Replace(gateModel, "APPETITE", "low", 1)), true)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	read()
	time.Sleep(500 * time.Millisecond) // analysed, waiting for a reader
	cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("SIGINT did not stop the wait for the FIFO's reader")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
}

// TestKillMidWrite kills the process at several moments of writing a large
// report over an old one: the file is always the old one or the new one
// whole, and no temporary file is ever left.
func TestKillMidWrite(t *testing.T) {
	bin := cliBinary(t)
	model := bigModel(t, 1500)
	dir := t.TempDir()
	out := filepath.Join(dir, "threats.json")
	if err := exec.Command(bin, "analyze", model, "-o", out).Run(); err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(out)
	for _, delay := range []time.Duration{300, 600, 900, 1200, 1500} {
		os.WriteFile(out, []byte("old"), 0o644)
		cmd := exec.Command(bin, "analyze", model, "-o", out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		got, _ := os.ReadFile(out)
		if string(got) != "old" && !bytes.Equal(got, whole) {
			t.Errorf("killed after %v ms: the file is torn (%d bytes)", int(delay), len(got))
		}
		onlyNames(t, dir, "threats.json")
	}
}

// TestReadOnlyDirectoryAsUser writes into a directory the (unprivileged)
// user may not write: one clear error naming the directory.
func TestReadOnlyDirectoryAsUser(t *testing.T) {
	bin := cliBinary(t)
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1))
	os.Chmod(filepath.Dir(model), 0o755)
	os.Chmod(filepath.Dir(filepath.Dir(model)), 0o755)
	dir := filepath.Join(filepath.Dir(model), "ro")
	os.Mkdir(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	os.Chmod(dir, 0o555)
	cmd := exec.Command(bin, "analyze", model, "-o", filepath.Join(dir, "t.json"))
	// Graphviz's start-up cache goes where the user may write.
	tmp := t.TempDir()
	os.Chmod(tmp, 0o777)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if os.Getuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitUsage {
		t.Errorf("exit %d, want %d: %s", code, exitUsage, stderr.String())
	}
	want := "rampart: write " + filepath.Join(dir, "t.json") + ": cannot create a file in " + dir + ": permission denied\n"
	if stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

// pty opens a pseudo-terminal; the child gets the terminal side as its
// controlling terminal, the test reads and types on the other.
func pty(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs pseudo-terminals: %v", err)
		}
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// onTerminal starts the CLI with a terminal for stdin, stdout and stderr,
// and returns what it printed so far through a reader of the terminal.
func onTerminal(t *testing.T, args ...string) (*exec.Cmd, *os.File, *bufio.Reader) {
	t.Helper()
	m, s := pty(t)
	cmd := exec.Command(cliBinary(t), args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
	cmd.Env = append(os.Environ(), "TERM=xterm")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return cmd, m, bufio.NewReader(m)
}

// readUntil reads the terminal until want appears (or it closes).
func readUntil(r *bufio.Reader, want string) string {
	var b strings.Builder
	buf := make([]byte, 256)
	for !strings.Contains(b.String(), want) {
		n, err := r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func waitExit(t *testing.T, cmd *exec.Cmd, r io.Reader) int {
	t.Helper()
	go io.Copy(io.Discard, r)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the command did not exit")
	}
	return cmd.ProcessState.ExitCode()
}

// TestInitWizardCtrlC aborts the init questions with Ctrl-C typed on a
// terminal: exit 130, nothing written.
func TestInitWizardCtrlC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rampart.yaml")
	cmd, m, r := onTerminal(t, "init", path)
	if out := readUntil(r, "System name ["); !strings.Contains(out, "System name [") {
		t.Fatalf("no first question: %q", out)
	}
	m.Write([]byte("Payments\r"))
	readUntil(r, "Owning team [")
	m.Write([]byte{3}) // Ctrl-C
	if code := waitExit(t, cmd, r); code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("an interrupted init wrote the model")
	}
	onlyNames(t, filepath.Dir(path))
}

// TestBinaryToTerminalRefused: PDF, XLSX and PNG are never dumped on a terminal.
func TestBinaryToTerminalRefused(t *testing.T) {
	model := writeModel(t, strings.Replace(gateModel, "APPETITE", "critical", 1))
	for _, args := range [][]string{
		{"report", model, "-f", "pdf"}, {"report", model, "-f", "xlsx"}, {"diagram", model, "-f", "png"}, {"analyze", model, "-f", "pdf"},
	} {
		t.Run(strings.Join(args[2:], " "), func(t *testing.T) {
			cmd, _, r := onTerminal(t, args...)
			out := readUntil(r, "\n")
			out += readUntil(r, "\n")
			if !strings.Contains(out, "refusing to write "+args[3]+" (binary) to the terminal") || !strings.Contains(out, "-o FILE") {
				t.Errorf("terminal shows %q", out)
			}
			if code := waitExit(t, cmd, r); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
		})
	}
}

// onlyNames fails when dir holds anything but the named entries.
func onlyNames(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}
