package web

import "testing"

// TestNiceStep: the trend's ticks are 1, 2 or 5 times a power of ten, at
// most five from zero to the top.
func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ top, want int }{
		{0, 1}, {4, 1}, {5, 2}, {8, 2}, {9, 5}, {20, 5}, {21, 10}, {40, 10}, {41, 20}, {199, 50}, {200000, 50000},
	} {
		if got := niceStep(c.top); got != c.want {
			t.Errorf("niceStep(%d) = %d, want %d", c.top, got, c.want)
		}
	}
}
