package main

import (
	"regexp"
	"testing"
)

// TestHasRampartKey checks the byte scan against the multi-line regular
// expression it replaced.
func TestHasRampartKey(t *testing.T) {
	re := regexp.MustCompile(`(?m)^rampart\s*:`)
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"rampart: 1\n", true},
		{"rampart : 1\n", true},
		{"rampart\n: 1\n", true},
		{"title: x\nrampart:\n", true},
		{"title: x\r\nrampart:\n", true},
		{"title: rampart: x\n", false},
		{" rampart: 1\n", false},
		{"rampartx: 1\n", false},
		{"rampart", false},
		{"rampart \t", false},
		{"\rrampart: 1", false},
		{"rampart rampart\nrampart\t:", true},
		{"", false},
		{"x: 1\nramp\nrampart", false},
	} {
		if got := hasRampartKey([]byte(tc.in)); got != tc.want {
			t.Errorf("hasRampartKey(%q) = %v, want %v", tc.in, got, tc.want)
		}
		if re.MatchString(tc.in) != tc.want {
			t.Errorf("%q: the table disagrees with %s", tc.in, re)
		}
	}
}
