package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
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
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("temporary files left behind: %v", entries)
			}
		})
	}
	if err := Write(filepath.Join(dir, "missing", "x"), []byte("x"), true); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
