//go:build unix

package atomicfile

import "golang.org/x/sys/unix"

// writable reports whether this process may write to the file at path, as
// opening it for writing would decide (so root may, as with a shell's '>').
func writable(path string) bool { return unix.Access(path, unix.W_OK) == nil }
