package atomicfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// modes runs a test with unnamed temporary files (Linux) and with the
// portable named temporary file.
func modes(t *testing.T, f func(t *testing.T)) {
	for _, unnamed := range []bool{true, false} {
		name := "named-temp"
		if unnamed {
			name = "unnamed-temp"
		}
		t.Run(name, func(t *testing.T) {
			defer func(old bool) { useUnnamed = old }(useUnnamed)
			useUnnamed = unnamed
			f(t)
		})
	}
}

// onlyFiles fails when dir holds anything but the named entries (a
// temporary file left behind).
func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}

func TestWrite(t *testing.T) {
	modes(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.txt")
		tests := []struct {
			name      string
			data      string
			overwrite bool
			wantErr   error
			want      string
		}{
			{"creates", "one", false, nil, "one"},
			{"refuses to overwrite", "two", false, ErrExists, "one"},
			{"overwrites when asked", "three", true, nil, "three"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := Write(path, []byte(tt.data), tt.overwrite)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				got, _ := os.ReadFile(path)
				if string(got) != tt.want {
					t.Errorf("file holds %q, want %q", got, tt.want)
				}
				onlyFiles(t, dir, "out.txt")
			})
		}
	})
}

func TestWriteErrorsNameTheTarget(t *testing.T) {
	modes(t, func(t *testing.T) {
		dir := t.TempDir()
		tests := []struct {
			name    string
			path    string
			wantErr error
			want    []string // in the message
		}{
			{"missing directory", filepath.Join(dir, "services", "billing.yaml"), ErrNoDir,
				[]string{"write " + filepath.Join(dir, "services", "billing.yaml"), "directory does not exist: " + filepath.Join(dir, "services")}},
			{"a directory", dir, ErrIsDir, []string{"is a directory"}},
			{"empty name", "", nil, []string{"empty file name"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := Write(tt.path, []byte("x"), true)
				if err == nil {
					t.Fatal("no error")
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("err %v, want %v", err, tt.wantErr)
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
				if strings.Contains(err.Error(), ".tmp") {
					t.Errorf("error %q names a temporary file", err)
				}
			})
		}
		onlyFiles(t, dir)
	})
}

func TestFailedFillKeepsTheOldFile(t *testing.T) {
	modes(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "report.json")
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("render failed")
		err := WriteFunc(context.Background(), path, true, func(w io.Writer) error {
			w.Write([]byte("half of the new"))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err %v, want %v", err, boom)
		}
		ctx, cancel := context.WithCancel(context.Background())
		err = WriteFunc(ctx, path, true, func(w io.Writer) error {
			w.Write([]byte("new"))
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled write: err %v", err)
		}
		if got, _ := os.ReadFile(path); string(got) != "old" {
			t.Errorf("file holds %q, want the old content", got)
		}
		onlyFiles(t, dir, "report.json")
	})
}

func TestConcurrentWritersOneWinsWhole(t *testing.T) {
	modes(t, func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.bin")
		const size = 1 << 20
		contents := [][]byte{bytes.Repeat([]byte("a"), size), bytes.Repeat([]byte("b"), size)}
		var wg sync.WaitGroup
		errs := make(chan error, 2*10)
		for _, data := range contents {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					errs <- Write(path, data, true)
				}
			}()
		}
		// A reader meanwhile never sees a torn or partial file.
		done := make(chan struct{})
		var torn []string
		go func() {
			defer close(done)
			for range 200 {
				got, err := os.ReadFile(path)
				if err != nil {
					continue // not written yet
				}
				if !bytes.Equal(got, contents[0]) && !bytes.Equal(got, contents[1]) {
					torn = append(torn, string(got[:min(len(got), 8)]))
				}
			}
		}()
		wg.Wait()
		<-done
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		if len(torn) > 0 {
			t.Errorf("a reader saw %d torn files", len(torn))
		}
		got, _ := os.ReadFile(path)
		if !bytes.Equal(got, contents[0]) && !bytes.Equal(got, contents[1]) {
			t.Errorf("final file is neither writer's whole output (%d bytes)", len(got))
		}
		onlyFiles(t, dir, "out.bin")
	})
}

func TestRemoveTemporary(t *testing.T) {
	defer func(old bool) { useUnnamed = old }(useUnnamed)
	useUnnamed = false
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	err := WriteFunc(context.Background(), path, true, func(w io.Writer) error {
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("while writing, %s holds %d files, want the temporary one", dir, len(entries))
		}
		RemoveTemporary() // as on a forced exit
		onlyFiles(t, dir)
		return errors.New("stop")
	})
	if err == nil {
		t.Fatal("write went on after its temporary file was removed")
	}
	onlyFiles(t, dir)
}
