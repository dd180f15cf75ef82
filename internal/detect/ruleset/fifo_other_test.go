//go:build !unix

package ruleset

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this platform") }
