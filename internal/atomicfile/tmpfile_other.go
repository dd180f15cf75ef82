//go:build !linux

package atomicfile

import (
	"errors"
	"os"
)

// errNoUnnamed says the system cannot make unnamed files.
var errNoUnnamed = errors.New("unnamed temporary files not supported")

// openUnnamed always falls back to a named temporary file outside Linux.
func openUnnamed(string) (*os.File, error) { return nil, errNoUnnamed }

// linkUnnamed is never called outside Linux.
func linkUnnamed(*os.File, string) error { return errNoUnnamed }
