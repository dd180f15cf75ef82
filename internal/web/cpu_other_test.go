//go:build !unix

package web_test

import "time"

// cpu is not measured here: benchmarks report 0 CPU.
func cpu() time.Duration { return 0 }
