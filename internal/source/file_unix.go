//go:build unix

package source

import (
	"os"
	"syscall"
)

// openNoBlock opens path for reading without blocking, should it have
// become a FIFO since it was looked at.
func openNoBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
