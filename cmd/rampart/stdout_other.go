//go:build !unix

package main

// stdoutWasClosed cannot tell outside Unix.
func stdoutWasClosed() bool { return false }
