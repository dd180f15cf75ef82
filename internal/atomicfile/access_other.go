//go:build !unix

package atomicfile

import "os"

// writable reports whether the file at path is not marked read-only.
func writable(path string) bool {
	st, err := os.Stat(path)
	return err != nil || st.Mode().Perm()&0o200 != 0
}
