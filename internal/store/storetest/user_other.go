//go:build !unix

package storetest

import "os/exec"

// serverUser runs the server's programs as the current user.
func serverUser(string) (func(*exec.Cmd), error) { return func(*exec.Cmd) {}, nil }
