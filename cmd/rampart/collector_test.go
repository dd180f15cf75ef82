package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestCollectorTarget checks that a one-shot command sets the collector's
// target, and that GOGC, when set, wins.
func TestCollectorTarget(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, tc := range []struct {
		name string
		env  *string
		want int
	}{
		{name: "GOGC unset", want: batchGCPercent},
		{name: "GOGC set", env: new("50"), want: 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			if tc.env == nil {
				os.Unsetenv("GOGC")
			} else {
				t.Setenv("GOGC", *tc.env)
			}
			debug.SetGCPercent(100)
			setCollectorTarget(batchGCPercent)
			if got := debug.SetGCPercent(100); got != tc.want {
				t.Errorf("collector target %d, want %d", got, tc.want)
			}
		})
	}
}
