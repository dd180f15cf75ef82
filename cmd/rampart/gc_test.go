package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	const before = 100
	tests := []struct {
		name string
		env  map[string]string
		want int
	}{
		{"no setting", nil, gcPercent},
		{"GOGC set", map[string]string{"GOGC": "50"}, before},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, before},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := debug.SetGCPercent(before)
			defer debug.SetGCPercent(old)
			tuneGC(func(k string) string { return tt.env[k] })
			if got := debug.SetGCPercent(before); got != tt.want {
				t.Errorf("GC percent = %d, want %d", got, tt.want)
			}
		})
	}
}
