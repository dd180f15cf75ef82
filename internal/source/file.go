package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// DefaultMaxFileSize is the size limit for one input file unless a command
// is told otherwise (--max-file-size).
const DefaultMaxFileSize = 32 << 20

// ErrTooLarge is wrapped by errors for files over the size limit.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular is wrapped by errors for paths that name a directory, FIFO,
// device or socket where a file was expected.
var ErrNotRegular = errors.New("not a regular file")

// readChunk is how much is read between two looks at the context.
const readChunk = 1 << 20

// ReadFile reads the regular file at path, refusing anything else before
// it is opened for reading, so that a FIFO, a device such as /dev/zero or a
// directory never blocks or floods the reader. A file over limit bytes
// (DefaultMaxFileSize when limit <= 0) is refused with an error wrapping
// ErrTooLarge, from its size where the system knows it. The read stops when
// ctx is cancelled.
func ReadFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(path, st); err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, tooLarge(path, limit)
	}
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path may have been replaced between the two looks: check what
	// was opened.
	fst, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(path, fst); err != nil {
		return nil, err
	}
	if !os.SameFile(st, fst) {
		return nil, fmt.Errorf("%s changed while it was opened", path)
	}
	return readAll(ctx, f, path, limit, fst.Size())
}

// ReadReader reads all of r (standard input, say), at most limit bytes,
// returning as soon as ctx is cancelled even while a read blocks. name
// names the input in errors.
func ReadReader(ctx context.Context, r io.Reader, name string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		done <- result{data, err}
	}()
	select {
	case <-ctx.Done():
		// The reading goroutine ends when the input does; the caller is
		// not kept waiting for it.
		return nil, ctx.Err()
	case res := <-done:
		if res.err != nil {
			return nil, fmt.Errorf("read %s: %w", name, res.err)
		}
		if int64(len(res.data)) > limit {
			return nil, tooLarge(name, limit)
		}
		return res.data, nil
	}
}

func tooLarge(name string, limit int64) error {
	return &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: over the %d-byte file size limit", ErrTooLarge, limit)}
}

// regular refuses what is not a regular file, naming what it is.
func regular(path string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: it is %s", ErrNotRegular, what)}
}

// readAll reads f in chunks, looking at ctx between them.
func readAll(ctx context.Context, f io.Reader, path string, limit, size int64) ([]byte, error) {
	buf := make([]byte, 0, min(size, limit)+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n := min(cap(buf)-len(buf), readChunk)
		m, err := f.Read(buf[len(buf) : len(buf)+n])
		buf = buf[:len(buf)+m]
		if int64(len(buf)) > limit {
			return nil, tooLarge(path, limit)
		}
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
