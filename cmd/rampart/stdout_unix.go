//go:build unix

package main

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// stdoutWasClosed reports whether the process started with standard output
// closed: the Go runtime then opens /dev/null read-write in its place
// (a shell's '>/dev/null' opens it write-only), and the output would be
// lost without an error.
func stdoutWasClosed() bool {
	fl, err := unix.FcntlInt(1, unix.F_GETFL, 0)
	if err != nil || fl&unix.O_ACCMODE != unix.O_RDWR {
		return false
	}
	var out, null unix.Stat_t
	if unix.Fstat(1, &out) != nil || unix.Stat(os.DevNull, &null) != nil {
		return false
	}
	return out.Mode&syscall.S_IFMT == syscall.S_IFCHR && out.Rdev == null.Rdev
}
