//go:build unix

package source

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadFileRefuses checks that what is not a regular file is refused at
// once, before anything is read, and that size limits hold.
func TestReadFileRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte(strings.Repeat("a", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		limit      int64
		is         error
		says       string
	}{
		{"FIFO", fifo, 0, ErrNotRegular, "a named pipe (FIFO)"},
		{"/dev/zero", "/dev/zero", 0, ErrNotRegular, "a character device"},
		{"directory", dir, 0, ErrNotRegular, "a directory"},
		{"too large", big, 99, ErrTooLarge, "over the 99-byte file size limit"},
		{"missing", filepath.Join(dir, "nope"), 0, os.ErrNotExist, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.path); tc.is != os.ErrNotExist && err != nil {
				t.Skipf("%s: %v", tc.path, err)
			}
			done := make(chan error, 1)
			go func() {
				_, err := ReadFile(context.Background(), tc.path, tc.limit)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) {
					t.Errorf("got %v, want %v saying %q", err, tc.is, tc.says)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("ReadFile blocked")
			}
		})
	}
	data, err := ReadFile(context.Background(), big, 100)
	if err != nil || len(data) != 100 {
		t.Errorf("a file at the limit: %d bytes, %v", len(data), err)
	}
	// Through a symlink the target is read.
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(big, link); err != nil {
		t.Fatal(err)
	}
	if data, err := ReadFile(context.Background(), link, 0); err != nil || len(data) != 100 {
		t.Errorf("through a symlink: %d bytes, %v", len(data), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadFile(ctx, big, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestReadFileSizeUnknown reads a file whose size the system reports as 0
// (as /proc files do) in full, within the limit.
func TestReadFileSizeUnknown(t *testing.T) {
	const path = "/proc/self/status"
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	data, err := ReadFile(context.Background(), path, 0)
	if err != nil || !strings.Contains(string(data), "Name:") {
		t.Fatalf("got %q, %v", data, err)
	}
	if _, err := ReadFile(context.Background(), path, 10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit 10: %v", err)
	}
}

// TestReadReaderCancel checks that a read blocked on a pipe nobody writes
// to returns when the context is cancelled (Ctrl-C while reading stdin).
func TestReadReaderCancel(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadReader(ctx, r, "stdin", 0)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadReader did not return on cancel")
	}
	if _, err := ReadReader(context.Background(), strings.NewReader("abcd"), "stdin", 3); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if data, err := ReadReader(context.Background(), io.LimitReader(strings.NewReader("abcd"), 4), "stdin", 4); err != nil || string(data) != "abcd" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
}
