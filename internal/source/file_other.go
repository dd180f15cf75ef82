//go:build !unix

package source

import "os"

// openNoBlock opens path for reading; systems without FIFOs in the file
// system cannot block here.
func openNoBlock(path string) (*os.File, error) {
	return os.Open(path)
}
