// Package atomicfile writes files whole or not at all: data goes to a
// temporary file in the target's directory, which is then renamed (or
// linked) into place, so a failed or interrupted run never leaves a
// half-written file behind.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is wrapped by Write when overwrite is false and path exists.
var ErrExists = errors.New("file exists")

// Write writes data to path (mode 0644). Without overwrite it fails with
// ErrExists when path already exists, with no window between the check and
// the write.
func Write(path string, data []byte, overwrite bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !overwrite {
		// Link fails if path exists, unlike rename.
		err := os.Link(tmp.Name(), path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("write %s: %w", path, ErrExists)
		}
		if err == nil {
			return nil
		}
		// File systems without hard links fall through to a rename.
		if _, statErr := os.Lstat(path); statErr == nil {
			return fmt.Errorf("write %s: %w", path, ErrExists)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
