//go:build unix

package diagram

import (
	"os"
	"syscall"
)

// ownedByUser reports whether the file belongs to the effective user.
func ownedByUser(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || int(st.Uid) == os.Geteuid()
}
