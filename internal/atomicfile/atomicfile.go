// Package atomicfile writes output files whole or not at all.
//
// A regular file (new or existing) is written to an unnamed or temporary
// file in the target's directory, which is linked or renamed into place
// only once everything was written, so a failed, interrupted or killed run
// leaves the old file as it was. The replacement keeps the old file's
// permission bits (and owner where the process may set it); a new file gets
// 0666 minus the umask. A symbolic link is followed and the file it points
// to is replaced beside it, leaving the link. An existing file this process
// may not write to (read-only) is refused, not replaced. Character devices (/dev/null,
// a terminal), FIFOs and Unix sockets are written straight into: they are
// never replaced by a regular file.
package atomicfile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// ErrExists is wrapped by the writers when overwriting was not allowed and
// the file exists.
var ErrExists = errors.New("file exists")

// ErrIsDir is wrapped when the path names a directory.
var ErrIsDir = errors.New("is a directory; name a file")

// ErrNoDir is wrapped when the directory the file would go into is missing.
var ErrNoDir = errors.New("directory does not exist")

// useUnnamed is false only in tests of the portable fallback.
var useUnnamed = true

// maxLinks bounds how many symbolic links are followed.
const maxLinks = 40

// Write writes data to path; without overwrite it fails with ErrExists when
// path already exists, with no window between the check and the write.
func Write(path string, data []byte, overwrite bool) error {
	return WriteFunc(context.Background(), path, overwrite, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc writes what fill writes to path, whole or not at all (see the
// package documentation). A fill error or a cancelled ctx leaves path
// untouched. Error messages name path and never a temporary file.
func WriteFunc(ctx context.Context, path string, overwrite bool, fill func(io.Writer) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := write(ctx, path, overwrite, fill); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func write(ctx context.Context, path string, overwrite bool, fill func(io.Writer) error) error {
	if path == "" {
		return errors.New("empty file name")
	}
	// Stat follows links, including /proc's links to open pipes and
	// terminals (/dev/stdout), so devices are recognised however named.
	st, err := os.Stat(path)
	switch {
	case err == nil && st.IsDir():
		return ErrIsDir
	case err == nil && st.Mode()&fs.ModeSocket != 0:
		return writeSocket(path, fill)
	case err == nil && st.Mode()&(fs.ModeCharDevice|fs.ModeNamedPipe) != 0:
		return writeStraight(path, fill)
	case err == nil && !st.Mode().IsRegular():
		return fmt.Errorf("not a regular file (%s); refusing to replace it", describeMode(st.Mode()))
	case err == nil && isProcFD(path):
		// A shell redirection seen through /dev/stdout: write into it.
		return writeStraight(path, fill)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return plain(err)
	}
	target, err := resolve(path)
	if err != nil {
		return err
	}
	var old fs.FileInfo
	if fi, err := os.Stat(target); err == nil {
		old = fi
	}
	if old != nil && !overwrite {
		return ErrExists
	}
	if old != nil && !writable(target) {
		return fmt.Errorf("%w: the file is read-only; make it writable or write another file", fs.ErrPermission)
	}
	dir := filepath.Dir(target)
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s", ErrNoDir, dir)
		}
		return fmt.Errorf("directory %s: %w", dir, plain(err))
	} else if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return replace(ctx, target, old, overwrite, fill)
}

// replace writes a new version of the regular file target (old is its
// current state, nil when it does not exist) and puts it in place.
func replace(ctx context.Context, target string, old fs.FileInfo, overwrite bool, fill func(io.Writer) error) error {
	dir := filepath.Dir(target)
	var f *os.File
	err := errNoUnnamed
	if useUnnamed {
		f, err = openUnnamed(dir)
	}
	if err != nil && !errors.Is(err, errNoUnnamed) {
		return fmt.Errorf("cannot create a file in %s: %w", dir, plain(err))
	}
	var tmpName string
	if err != nil {
		tmpName, f, err = createTemp(dir, target)
		if err != nil {
			return fmt.Errorf("cannot create a file in %s: %w", dir, plain(err))
		}
	}
	abort := func(err error) error {
		f.Close()
		if tmpName != "" {
			os.Remove(tmpName)
			forget(tmpName)
		}
		return err
	}
	if err := fill(f); err != nil {
		return abort(plain(err))
	}
	if err := ctx.Err(); err != nil {
		return abort(err)
	}
	if old != nil {
		keepOwner(f, old) // before Chmod: a change of owner clears set-id bits
		if err := f.Chmod(old.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
			return abort(plain(err))
		}
	}
	if err := f.Sync(); err != nil {
		return abort(plain(err))
	}
	if tmpName == "" {
		if !overwrite {
			// Linking fails when target exists, unlike a rename.
			err := linkUnnamed(f, target)
			if errors.Is(err, fs.ErrExist) {
				return abort(ErrExists)
			}
			if err == nil {
				return f.Close()
			}
		}
		// Give the unnamed file a temporary name, then rename it into place.
		tmpName = tempName(dir, target)
		remember(tmpName)
		if err := linkUnnamed(f, tmpName); err != nil {
			forget(tmpName)
			tmpName = ""
			return abort(plain(err))
		}
	}
	if err := f.Close(); err != nil {
		return abort(plain(err))
	}
	defer forget(tmpName)
	if !overwrite {
		err := os.Link(tmpName, target)
		if errors.Is(err, fs.ErrExist) {
			os.Remove(tmpName)
			return ErrExists
		}
		if err == nil {
			os.Remove(tmpName)
			return nil
		}
		// File systems without hard links fall through to a rename.
		if _, statErr := os.Lstat(target); statErr == nil {
			os.Remove(tmpName)
			return ErrExists
		}
	}
	if err := os.Rename(tmpName, target); err != nil {
		os.Remove(tmpName)
		return plain(err)
	}
	return nil
}

// writeStraight writes into an existing device or FIFO.
func writeStraight(path string, fill func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return plain(err)
	}
	if err := fill(f); err != nil {
		f.Close()
		return plain(err)
	}
	return plain(f.Close())
}

// writeSocket connects to a Unix socket and writes into it.
func writeSocket(path string, fill func(io.Writer) error) error {
	c, err := net.Dial("unix", path)
	if err != nil {
		return fmt.Errorf("connect to socket: %w", plainNet(err))
	}
	if err := fill(c); err != nil {
		c.Close()
		return plainNet(err)
	}
	return plainNet(c.Close())
}

// resolve follows symbolic links to the file that is to be written, which
// need not exist yet (a dangling link names the file to create).
func resolve(path string) (string, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Mode()&fs.ModeSymlink == 0) {
			return p, nil
		}
		if err != nil {
			return "", plain(err)
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", plain(err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// isProcFD reports whether path names an open file descriptor.
func isProcFD(path string) bool {
	clean := filepath.Clean(path)
	for _, prefix := range []string{"/dev/fd/", "/proc/self/fd/", "/dev/stdout", "/dev/stderr"} {
		if strings.HasPrefix(clean, prefix) {
			return true
		}
	}
	return false
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return m.Type().String()
}

// createTemp creates a new temporary file beside target with mode 0666
// minus the umask (os.CreateTemp would give 0600).
func createTemp(dir, target string) (string, *os.File, error) {
	for range 10000 {
		name := tempName(dir, target)
		remember(name)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return name, f, nil
		}
		forget(name)
		if !errors.Is(err, fs.ErrExist) {
			return "", nil, err
		}
	}
	return "", nil, errors.New("cannot find a free temporary name")
}

func tempName(dir, target string) string {
	var b [6]byte
	rand.Read(b[:])
	return filepath.Join(dir, "."+filepath.Base(target)+"."+hex.EncodeToString(b[:])+".tmp")
}

// pending holds the names of temporary files that exist for a moment (the
// portable fallback, or an unnamed file given a name before its rename), so
// that RemoveTemporary can remove them when the process must exit at once.
var pending struct {
	sync.Mutex
	names map[string]bool
}

func remember(name string) {
	pending.Lock()
	defer pending.Unlock()
	if pending.names == nil {
		pending.names = map[string]bool{}
	}
	pending.names[name] = true
}

func forget(name string) {
	pending.Lock()
	defer pending.Unlock()
	delete(pending.names, name)
}

// RemoveTemporary removes every temporary file a write in progress has
// created. Call it before exiting while writes may still be running (a
// second Ctrl-C); the targets themselves are never touched.
func RemoveTemporary() {
	pending.Lock()
	defer pending.Unlock()
	for name := range pending.names {
		os.Remove(name)
		delete(pending.names, name)
	}
}

// plain drops the file names from an *fs.PathError or *os.LinkError, which
// may name a temporary file; the caller names the target instead.
func plain(err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func plainNet(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return plain(oe.Err)
	}
	return plain(err)
}
